#ifndef CNCURSES_H
#define CNCURSES_H
// The only file that includes <ncurses.h>. NCURSES_WIDECHAR must come first or the wide-character API
// (cchar_t, setcchar, wadd_wch, wget_wch) is not declared.
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

/// setlocale(LC_ALL, "") — must run before initscr; returns 1 when the locale's codeset is UTF-8.
int cn_set_locale(void);

/// Starts curses: saves the tty modes, initscr, cbreak, noecho, keypad, hidden cursor, colours with the terminal's
/// defaults, short Esc delay, optional mouse; installs the restore-on-signal handlers. Returns 0, or -1 when curses
/// is already running or initscr failed (not a terminal).
int cn_start(int want_mouse);
/// Ends curses (endwin) and puts the previous signal handlers back. Safe to call twice.
void cn_stop(void);
/// 1 while curses is running.
int cn_active(void);

int cn_colors(void);
int cn_color_pairs(void);
int cn_can_change_color(void);
/// 1 when mouse events were granted.
int cn_mouse_enabled(void);

/// Defines colour pair `pair` (1…cn_color_pairs()-1); colours -1 = terminal default. Extended pairs above 32767 work.
int cn_init_pair(int pair, int fg, int bg);

/// Attribute bits as TermCore numbers them: 1 bold, 2 dim, 4 underline, 8 reverse, 16 italic.
/// Draws one character (a base scalar and up to `count - 1` combining scalars) at (y, x).
int cn_put(int y, int x, const unsigned int *scalars, int count, unsigned int attributes, int pair);
/// Marks the whole screen for repainting on the next refresh (after resize or start).
void cn_clear_all(void);
/// Sends the changes to the terminal (wnoutrefresh + doupdate).
int cn_refresh(void);
void cn_size(int *rows, int *cols);

/// Reads one input with a timeout in ms. Returns 0 on timeout/none, 1 for a character (in *value), 2 for a key code
/// (KEY_*, in *value). Never blocks longer than the timeout.
int cn_read(int timeout_ms, unsigned int *value);
/// After KEY_MOUSE: the event's cell and button state. Returns 0 on success.
int cn_mouse(int *x, int *y, unsigned long *state);
unsigned long cn_button_mask(int button, int action);  // action: 0 pressed, 1 released, 2 clicked
int cn_key_f(int n);                                  // KEY_F(n)

/// Returns 1 (and clears it) when Ctrl-C (SIGINT) arrived since the last call. A second SIGINT before the first is
/// taken ends the program the hard way (restore the terminal, re-raise), so a hung application stays killable.
int cn_take_interrupt(void);

/// Test hook: runs the signal-context terminal restore exactly as a crash handler would.
void cn_emergency_restore_for_testing(void);
#endif
