package dev.greenloom.crawler.cli;

import java.util.ArrayList;
import java.util.List;

/** What a terminal shows for text written to it, for tests of lines sharing a terminal with the progress line. */
final class TerminalScreen {
    private TerminalScreen() {
    }

    /** The completed rows a terminal shows for {@code text}: a carriage return goes back to the row's start. */
    static List<String> rows(String text) {
        List<String> rows = new ArrayList<>();
        StringBuilder row = new StringBuilder();
        int column = 0;
        for (char c : text.toCharArray()) {
            if (c == '\r') {
                column = 0;
            } else if (c == '\n') {
                rows.add(row.toString().stripTrailing());
                row.setLength(0);
                column = 0;
            } else {
                if (column < row.length()) {
                    row.setCharAt(column, c);
                } else {
                    row.append(c);
                }
                column++;
            }
        }
        return rows;
    }
}
