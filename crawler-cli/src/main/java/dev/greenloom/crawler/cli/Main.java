package dev.greenloom.crawler.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code greenloom} command: parses arguments and dispatches to a subcommand. */
@Command(name = "greenloom",
        header = "Concurrent DNS resolution and crawling on green threads (virtual threads, gevent-style).",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        subcommands = {CommandLine.HelpCommand.class, ResolveCommand.class, CrawlCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every input succeeded",
            "1:some inputs failed (each is reported)",
            "2:usage error"})
public final class Main implements Callable<Integer> {
    /** Every input line succeeded. */
    public static final int EXIT_OK = 0;
    /** The run completed, but some input lines failed; each failure is in the output. */
    public static final int EXIT_SOME_FAILED = 1;
    /** Bad arguments or options. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = newCommandLine(out, err).execute(args);
        out.flush();
        System.exit(code);
    }

    /** The command line used by {@link #main} and by tests, writing only to {@code out} and {@code err}. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setOut(out);
        commandLine.setErr(err);
        return commandLine;
    }

    /** Without a subcommand: show the usage, which is a usage error. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_USAGE;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {"greenloom " + (version == null ? "(development build)" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
