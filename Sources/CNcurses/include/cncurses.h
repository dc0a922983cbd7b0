#ifndef CNCURSES_H
#define CNCURSES_H
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <ncurses.h>
#include <wchar.h>
#include <locale.h>

/// Accessors for ncurses globals and macros that Swift cannot import directly.
WINDOW *cn_stdscr(void);
int cn_lines(void);
int cn_cols(void);
#endif
