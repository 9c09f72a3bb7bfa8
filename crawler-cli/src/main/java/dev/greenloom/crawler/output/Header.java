package dev.greenloom.crawler.output;

import java.util.List;
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

    /** The value of the first field named {@code name} (in any case) in {@code headers}; null if none. */
    public static String first(List<Header> headers, String name) {
        for (Header header : headers) {
            if (header.name().equalsIgnoreCase(name)) {
                return header.value();
            }
        }
        return null;
    }

    /**
     * The value of the last field named {@code name} (in any case) in {@code headers}, as OkHttp's
     * {@code Response.header(name)} reads it; null if none.
     */
    public static String last(List<Header> headers, String name) {
        return first(headers.reversed(), name);
    }
}
