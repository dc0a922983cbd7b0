// ncursesw shim: macros and globals Swift cannot import, and the terminal-restoring signal handlers.
//
// Signal safety: endwin() is not async-signal-safe (it takes locks, allocates and uses stdio), so the handlers
// never call it. Instead cn_start() precomputes, in normal context, the bytes endwin would send (attributes off,
// keypad off, mouse reporting off, cursor visible, leave the alternate screen) and saves the tty modes from before
// initscr. A handler then only calls write(2), tcsetattr(3), sigaction(2) and raise(3) — all on the POSIX list of
// async-signal-safe functions — and re-raises the signal with its default action, so the exit status (and core
// dump) is the one the signal would have produced.
#include "cncurses.h"
#include <langinfo.h>
#include <signal.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

WINDOW *cn_stdscr(void) { return stdscr; }
int cn_lines(void) { return LINES; }
int cn_cols(void) { return COLS; }

int cn_set_locale(void) {
    setlocale(LC_ALL, "");
    const char *cs = nl_langinfo(CODESET);
    return cs != NULL && (strcmp(cs, "UTF-8") == 0 || strcmp(cs, "utf8") == 0) ? 1 : 0;
}

static volatile sig_atomic_t cn_running = 0;
static volatile sig_atomic_t cn_interrupts = 0;
static struct termios cn_saved_tio;
static int cn_have_tio = 0;
static char cn_restore_seq[1024];
static size_t cn_restore_len = 0;
static int cn_mouse_on = 0;

static const int cn_fatal_signals[] = {SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE, SIGTRAP};
#define CN_NFATAL ((int)(sizeof cn_fatal_signals / sizeof cn_fatal_signals[0]))
static struct sigaction cn_old_fatal[CN_NFATAL];
static struct sigaction cn_old_int;
static int cn_handlers_installed = 0;
static char cn_alt_stack[64 * 1024];
static sigset_t cn_old_mask;

static void cn_append(const char *s) {
    if (s == NULL || s == (char *)-1) return;
    size_t n = strlen(s);
    if (cn_restore_len + n >= sizeof cn_restore_seq) return;
    memcpy(cn_restore_seq + cn_restore_len, s, n);
    cn_restore_len += n;
}

/// Async-signal-safe: the terminal back to the state before cn_start.
static void cn_restore_from_signal(void) {
    if (!cn_running) return;
    cn_running = 0;
    if (cn_restore_len > 0) {
        ssize_t r = write(STDOUT_FILENO, cn_restore_seq, cn_restore_len);
        (void)r;
    }
    if (cn_have_tio) tcsetattr(STDIN_FILENO, TCSANOW, &cn_saved_tio);
}

static void cn_fatal_handler(int sig) {
    cn_restore_from_signal();
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    sigaction(sig, &dfl, NULL);
    // The signal is blocked inside its handler: raise() leaves it pending, and it is delivered with the default
    // action as soon as the handler returns (a faulting instruction would also simply fault again).
    raise(sig);
}

static void cn_int_handler(int sig) {
    if (cn_interrupts > 0) {  // the first Ctrl-C was never taken: the application is not reading input
        cn_fatal_handler(sig);
        return;
    }
    cn_interrupts = 1;
}

static void cn_install_handlers(void) {
    stack_t ss;
    memset(&ss, 0, sizeof ss);
    ss.ss_sp = cn_alt_stack;
    ss.ss_size = sizeof cn_alt_stack;
    sigaltstack(&ss, NULL);  // so a stack overflow (SIGSEGV) can still run the handler

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = cn_fatal_handler;
    sa.sa_flags = SA_ONSTACK;
    for (int i = 0; i < CN_NFATAL; i++) sigaction(cn_fatal_signals[i], &sa, &cn_old_fatal[i]);
    sa.sa_handler = cn_int_handler;
    sa.sa_flags = 0;  // no SA_RESTART: a blocked read returns so the event loop sees the interrupt at once
    sigaction(SIGINT, &sa, &cn_old_int);
    // A process can start with these blocked (a parent's mask is inherited through fork and exec; some process
    // launchers block everything). Blocked, SIGTERM would stay pending forever, Ctrl-C would never reach
    // cn_int_handler and SIGWINCH never resize: unblock exactly the signals handled here, for this thread.
    sigset_t handled;
    sigemptyset(&handled);
    for (int i = 0; i < CN_NFATAL; i++) sigaddset(&handled, cn_fatal_signals[i]);
    sigaddset(&handled, SIGINT);
    sigaddset(&handled, SIGWINCH);
    pthread_sigmask(SIG_UNBLOCK, &handled, &cn_old_mask);
    cn_handlers_installed = 1;
}

static void cn_remove_handlers(void) {
    if (!cn_handlers_installed) return;
    for (int i = 0; i < CN_NFATAL; i++) sigaction(cn_fatal_signals[i], &cn_old_fatal[i], NULL);
    sigaction(SIGINT, &cn_old_int, NULL);
    pthread_sigmask(SIG_SETMASK, &cn_old_mask, NULL);
    cn_handlers_installed = 0;
}

static void cn_atexit(void) {
    if (cn_running) cn_stop();
}

int cn_start(int want_mouse) {
    static int atexit_registered = 0;
    if (cn_running) return -1;
    cn_have_tio = tcgetattr(STDIN_FILENO, &cn_saved_tio) == 0;
    if (initscr() == NULL) return -1;
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    intrflush(stdscr, FALSE);
    leaveok(stdscr, TRUE);
    scrollok(stdscr, FALSE);
    curs_set(0);
    set_escdelay(25);
    if (has_colors()) {
        start_color();
        use_default_colors();
    }
    cn_mouse_on = 0;
    if (want_mouse) {
        mmask_t want = BUTTON1_PRESSED | BUTTON1_RELEASED | BUTTON2_PRESSED | BUTTON3_PRESSED | BUTTON4_PRESSED
#if NCURSES_MOUSE_VERSION > 1
                       | BUTTON5_PRESSED
#endif
            ;
        mmask_t got = mousemask(want, NULL);
        mouseinterval(0);  // report presses at once instead of waiting to resolve clicks
        cn_mouse_on = got != 0;
    }
    // What endwin would send, for the signal handlers.
    cn_restore_len = 0;
    cn_append(tigetstr("sgr0"));
    cn_append(tigetstr("rmkx"));
    if (cn_mouse_on) cn_append("\033[?1000l\033[?1002l\033[?1003l\033[?1006l");
    cn_append(tigetstr("cnorm"));
    cn_append(tigetstr("rmcup"));
    cn_append("\r\n");
    cn_interrupts = 0;
    cn_running = 1;
    cn_install_handlers();
    if (!atexit_registered) {
        atexit(cn_atexit);
        atexit_registered = 1;
    }
    return 0;
}

void cn_stop(void) {
    if (!cn_running) {
        cn_remove_handlers();
        return;
    }
    if (cn_mouse_on) mousemask(0, NULL);
    curs_set(1);
    endwin();
    cn_running = 0;
    cn_remove_handlers();
}

int cn_active(void) { return cn_running ? 1 : 0; }
int cn_colors(void) { return has_colors() ? COLORS : 0; }
int cn_color_pairs(void) { return has_colors() ? COLOR_PAIRS : 0; }
int cn_can_change_color(void) { return can_change_color() ? 1 : 0; }
int cn_mouse_enabled(void) { return cn_mouse_on; }

int cn_init_pair(int pair, int fg, int bg) { return init_extended_pair(pair, fg, bg); }

int cn_put(int y, int x, const unsigned int *scalars, int count, unsigned int attributes, int pair) {
    wchar_t w[4];
    int n = count < 3 ? count : 3;
    for (int i = 0; i < n; i++) w[i] = (wchar_t)scalars[i];
    w[n] = 0;
    attr_t a = A_NORMAL;
    if (attributes & 1) a |= A_BOLD;
    if (attributes & 2) a |= A_DIM;
    if (attributes & 4) a |= A_UNDERLINE;
    if (attributes & 8) a |= A_REVERSE;
    if (attributes & 16) a |= A_ITALIC;
    cchar_t cc;
    int p = pair;
    // The short pair argument is ignored when opts points at an int pair (ncurses ≥ 6.1 extended colours).
    if (setcchar(&cc, w, a, (short)(p <= 32767 ? p : 0), &p) != OK) return ERR;
    return mvwadd_wch(stdscr, y, x, &cc);
}

void cn_clear_all(void) {
    clearok(stdscr, TRUE);
    werase(stdscr);
}

int cn_refresh(void) {
    wnoutrefresh(stdscr);
    return doupdate();
}

void cn_size(int *rows, int *cols) {
    int y, x;
    getmaxyx(stdscr, y, x);
    *rows = y;
    *cols = x;
}

int cn_read(int timeout_ms, unsigned int *value) {
    wtimeout(stdscr, timeout_ms);
    wint_t ch = 0;
    int r = wget_wch(stdscr, &ch);
    if (r == ERR) return 0;
    *value = (unsigned int)ch;
    return r == KEY_CODE_YES ? 2 : 1;
}

int cn_mouse(int *x, int *y, unsigned long *state) {
    MEVENT ev;
    if (getmouse(&ev) != OK) return -1;
    *x = ev.x;
    *y = ev.y;
    *state = (unsigned long)ev.bstate;
    return 0;
}

unsigned long cn_button_mask(int button, int action) {
    int m = action == 0 ? NCURSES_BUTTON_PRESSED : action == 1 ? NCURSES_BUTTON_RELEASED : NCURSES_BUTTON_CLICKED;
    return (unsigned long)NCURSES_MOUSE_MASK(button, m);
}

int cn_key_f(int n) { return KEY_F(n); }

int cn_take_interrupt(void) {
    if (!cn_interrupts) return 0;
    cn_interrupts = 0;
    return 1;
}

void cn_emergency_restore_for_testing(void) { cn_restore_from_signal(); }
