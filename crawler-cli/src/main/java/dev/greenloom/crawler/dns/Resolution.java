package dev.greenloom.crawler.dns;

import java.util.List;
import java.util.Objects;

/**
 * The outcome of one lookup.
 *
 * @param name the name asked for, as given (after IDN conversion: ASCII, no trailing dot)
 * @param type the record type asked for
 * @param outcome what happened
 * @param records the answers, as presentation strings ("192.0.2.1", "10 mx.example.com."); empty unless OK
 * @param cnames the CNAME chain followed, in order (empty when the name had no alias)
 * @param error a human-readable reason when not OK ("NXDOMAIN", "timed out after 2 s (3 tries)"); null when OK
 */
public record Resolution(String name, RecordType type, Outcome outcome, List<String> records, List<String> cnames,
        String error) {

    public Resolution {
        Objects.requireNonNull(name, "name == null");
        Objects.requireNonNull(type, "type == null");
        Objects.requireNonNull(outcome, "outcome == null");
        records = List.copyOf(records);
        cnames = List.copyOf(cnames);
    }

    /** True when the lookup got answers. */
    public boolean ok() {
        return outcome == Outcome.OK;
    }

    /** What a lookup came to. */
    public enum Outcome {
        /** Answers found. */
        OK,
        /** The name does not exist. */
        NXDOMAIN,
        /** The name exists but has no records of the type asked for. */
        NO_DATA,
        /** The server failed (SERVFAIL) or refused (REFUSED) to answer. */
        SERVER_FAILURE,
        /** No answer within the lookup timeout, after all retries, or before the run's deadline. */
        TIMEOUT,
        /** The input is not a valid host name; no lookup was made. */
        BAD_INPUT
    }
}
