import CHearthSpawn

/// The process-wide settings a server that starts scripts needs: SIGPIPE
/// ignored (a script that exits before reading its input makes a write
/// fail with EPIPE instead of ending the server), SIGCHLD not ignored (the
/// reaper needs exit statuses; a careless parent's SIG_IGN survives exec),
/// and the spawn's descriptor slots. The program sets them, never a
/// library by being linked: `hearth` first thing in main, before any
/// descriptor or thread is made; `Site.run` again for a program that
/// embeds a site (too late for the slots, which only cost speed).
public enum ProcessSettings {
    public static func prepare() { hearth_prepare_process() }
}
