package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine(String... args) {
        return Main.newCommandLine(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void aSubcommandNamedFirstIsTheOnlyOneModelled() {
        assertEquals(Set.of("crawl"), commandLine("crawl", "urls.txt").getSubcommands().keySet());
        assertEquals(Set.of("resolve"), commandLine("resolve").getSubcommands().keySet());
        assertEquals(Set.of("timing"), commandLine("timing", "--help").getSubcommands().keySet());
    }

    @Test
    void otherwiseEverySubcommandIsModelledInTheUsagesOrder() {
        List<String> all = List.of("help", "resolve", "crawl", "timing");
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"help", "crawl"},
                new String[] {"bogus"}, new String[] {"--version"}, new String[] {"--crawl"})) {
            assertEquals(all, List.copyOf(commandLine(args).getSubcommands().keySet()), String.join(" ", args));
        }
    }

    @Test
    void aUsageErrorIsOneLineNamingTheCommandAndWhereTheHelpIs() {
        for (String[] args : List.of(new String[] {"resolve", "--bogus"}, new String[] {"timing", "--tasks", "x"},
                new String[] {"crawl", "--concurrency", "x"}, new String[] {"crawl", "--concurrency", "0", "x"},
                new String[] {"--bogus"})) {
            String name = args.length > 1 ? "greenloom " + args[0] : "greenloom";
            assertEquals(Main.EXIT_USAGE, commandLine(args).execute(args), String.join(" ", args));
            List<String> lines = err.toString().lines().toList();
            assertEquals(2, lines.size(), err.toString());
            assertTrue(lines.getFirst().startsWith(name + ": "), err.toString());
            assertEquals("Try '" + name + " --help' for more information.", lines.getLast());
            assertEquals("", out.toString());
            err.getBuffer().setLength(0);
        }
    }

    @Test
    void aMistypedOptionGetsSuggestions() {
        assertEquals(Main.EXIT_USAGE, commandLine("crawl", "--concurency", "5", "x").execute("crawl", "--concurency", "5", "x"));
        assertTrue(err.toString().contains("--concurrency"), err.toString());
    }

    /** picocli said "expected only one match but got [--json | --csv]={--json} and [--json | --csv]={--json}". */
    @Test
    void anOptionOfAnExclusiveGroupGivenTwiceIsSaidAsAnyOtherRepeatedOption() {
        for (String[] args : List.of(new String[] {"resolve", "--json", "--json", "x"},
                new String[] {"crawl", "--same-host", "--same-host", "x"})) {
            err.getBuffer().setLength(0);
            assertEquals(Main.EXIT_USAGE, commandLine(args).execute(args), String.join(" ", args));
            assertEquals("greenloom " + args[0] + ": option '" + args[1] + "' should be specified only once",
                    err.toString().lines().findFirst().orElseThrow());
        }
    }

    @Test
    void aBadRegularExpressionIsSaidInOneLine() {
        String[] args = {"crawl", "--include", "(", "x"};
        assertEquals(Main.EXIT_USAGE, commandLine(args).execute(args));
        assertEquals("greenloom crawl: Invalid value for option '--include' (REGEX): '(' is not a regular expression:"
                + " Unclosed group at index 1", err.toString().lines().findFirst().orElseThrow());
    }

    @Test
    void exclusiveOptionsAreSaidWithoutPicocliSErrorPrefix() {
        for (String[] args : List.of(new String[] {"crawl", "--same-host", "--same-domain", "x"},
                new String[] {"resolve", "--json", "--csv", "x"})) {
            assertEquals(Main.EXIT_USAGE, commandLine(args).execute(args), String.join(" ", args));
            String first = err.toString().lines().findFirst().orElseThrow();
            assertEquals("greenloom " + args[0] + ": " + args[1] + ", " + args[2]
                    + " are mutually exclusive (specify only one)", first);
            err.getBuffer().setLength(0);
        }
    }

    @Test
    void aSubcommandsHelpAndUsageErrorsReadAsWithEverySubcommand() {
        for (String[] args : List.of(new String[] {"crawl", "--help"}, new String[] {"resolve", "--bogus"},
                new String[] {"timing", "--tasks", "x"})) {
            int code = commandLine(args).execute(args);
            String alone = out + "|" + err;
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
            PrintWriter outWriter = new PrintWriter(out, true);
            PrintWriter errWriter = new PrintWriter(err, true);
            assertEquals(code, Main.newCommandLine(outWriter, errWriter).execute(args), String.join(" ", args));
            assertEquals(out + "|" + err, alone, String.join(" ", args));
            out.getBuffer().setLength(0);
            err.getBuffer().setLength(0);
        }
    }
}
