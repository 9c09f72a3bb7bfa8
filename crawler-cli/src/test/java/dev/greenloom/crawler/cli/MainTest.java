package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
