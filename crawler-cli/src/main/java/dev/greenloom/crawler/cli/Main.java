package dev.greenloom.crawler.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/** The {@code greenloom} command: parses arguments and dispatches to a subcommand. */
@Command(name = "greenloom",
        header = "Concurrent DNS resolution and crawling on green threads (virtual threads, gevent-style).",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every input succeeded",
            "1:some inputs failed (each is reported), or an output could not be written",
            "2:usage error",
            "130/143:resolve or crawl stopped by Ctrl-C / SIGTERM (the summary is printed)"})
public final class Main implements Callable<Integer> {
    /** Every input line succeeded. */
    public static final int EXIT_OK = 0;
    /** The run completed, but some input lines failed; each failure is in the output. */
    public static final int EXIT_SOME_FAILED = 1;
    /** Bad arguments or options. */
    public static final int EXIT_USAGE = 2;

    @Spec
    CommandSpec spec;

    /**
     * picocli's message for one option of an exclusive group ({@code --json | --csv}) given twice, where it says any
     * other repeated option as {@code option '--x' should be specified only once}.
     */
    private static final Pattern REPEATED_IN_GROUP =
            Pattern.compile("expected only one match but got (\\[.*])=\\{(\\S+)} and \\1=\\{\\2}");

    /** The subcommands, in the order the usage lists them. */
    private static final List<Class<?>> SUBCOMMANDS =
            List.of(CommandLine.HelpCommand.class, ResolveCommand.class, CrawlCommand.class, TimingCommand.class);

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, false, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        int code = newCommandLine(out, err, args).execute(args);
        // Help and version go to out unchecked; a command that could not write its output has said so already.
        if (out.checkError() && code == EXIT_OK) {
            err.println("greenloom: cannot write the output");
            code = EXIT_SOME_FAILED;
        }
        System.exit(code);
    }

    /** The command line with every subcommand, writing only to {@code out} and {@code err}. */
    public static CommandLine newCommandLine(PrintWriter out, PrintWriter err) {
        return newCommandLine(out, err, new String[0]);
    }

    /**
     * The command line for {@code args}, writing only to {@code out} and {@code err}: when the first argument names
     * a subcommand other than {@code help}, only that subcommand is modelled, since the others cannot be reached from
     * these arguments. picocli reads a subcommand's annotations by reflection when it is added: modelling one
     * instead of three took a one-URL crawl from 0.28 to 0.26 s (medians of 15 alternating runs).
     */
    static CommandLine newCommandLine(PrintWriter out, PrintWriter err, String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        String first = args.length == 0 ? "" : args[0];
        List<Class<?>> named = SUBCOMMANDS.stream()
                .filter(type -> type != CommandLine.HelpCommand.class
                        && type.getAnnotation(Command.class).name().equals(first))
                .toList();
        for (Class<?> subcommand : named.isEmpty() ? SUBCOMMANDS : named) {
            commandLine.addSubcommand(subcommand);
        }
        commandLine.setParameterExceptionHandler(Main::usageError);
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.registerConverter(Duration.class, new Units.DurationConverter());
        commandLine.registerConverter(Pattern.class, Main::pattern);
        commandLine.setCaseInsensitiveEnumValuesAllowed(true);
        return commandLine;
    }

    /**
     * A usage error of any command, said the way crawl's own checks say theirs: one line naming the command, picocli's
     * suggestions for a mistyped option if it has any, and where the help is; not the whole help, whose 40-70 lines
     * would scroll the error out of sight. picocli starts some messages (exclusive options) with "Error: ", which
     * the command's name already stands for.
     */
    private static int usageError(ParameterException error, String[] args) {
        CommandLine command = error.getCommandLine();
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        String message = error.getMessage().replaceFirst("^Error: ", "");
        Matcher repeated = REPEATED_IN_GROUP.matcher(message);
        err.println(name + ": " + (repeated.matches()
                ? "option '" + repeated.group(2) + "' should be specified only once" : message));
        UnmatchedArgumentException.printSuggestions(error, err);
        err.println(helpPointer(name));
        return command.getCommandSpec().exitCodeOnInvalidInput();
    }

    /**
     * Usage errors a command finds after parsing, such as input files that do not exist: one line each, then where
     * the help is, as {@link #usageError} says picocli's.
     *
     * @return {@link #EXIT_USAGE}
     */
    static int usageErrors(CommandLine command, List<String> problems) {
        PrintWriter err = command.getErr();
        String name = command.getCommandSpec().qualifiedName();
        problems.forEach(problem -> err.println(name + ": " + problem));
        err.println(helpPointer(name));
        return EXIT_USAGE;
    }

    private static String helpPointer(String command) {
        return "Try '" + command + " --help' for more information.";
    }

    /** A regular expression option's value; what is wrong with a bad one, in one line. */
    private static Pattern pattern(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + regex + "' is not a regular expression: " + e.getDescription() + " at index " + e.getIndex());
        }
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
