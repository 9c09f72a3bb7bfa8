package dev.greenloom.crawler.output;

import java.util.Objects;

/**
 * One HTTP header field as sent or received, in wire order; names keep their original case.
 *
 * @param name  the field name, e.g. {@code Content-Type}
 * @param value the field value
 */
public record Header(String name, String value) {
    public Header {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(value, "value == null");
    }
}
