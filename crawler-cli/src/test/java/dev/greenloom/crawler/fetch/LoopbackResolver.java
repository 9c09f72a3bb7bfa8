package dev.greenloom.crawler.fetch;

import dev.greenloom.crawler.dns.RecordType;
import dev.greenloom.crawler.dns.Resolution;
import dev.greenloom.crawler.dns.Resolver;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** Test resolver: every name ending in {@code .invalid} is NXDOMAIN, every other name is 127.0.0.1 (A only). */
public final class LoopbackResolver implements Resolver {
    private final AtomicInteger lookups = new AtomicInteger();

    @Override
    public Resolution resolve(String name, RecordType type) {
        lookups.incrementAndGet();
        if (name.endsWith(".invalid")) {
            return new Resolution(name, type, Resolution.Outcome.NXDOMAIN, List.of(), List.of(), "NXDOMAIN");
        }
        if (type != RecordType.A) {
            return new Resolution(name, type, Resolution.Outcome.NO_DATA, List.of(), List.of(), "no data");
        }
        return new Resolution(name, type, Resolution.Outcome.OK, List.of("127.0.0.1"), List.of(), null);
    }

    /** Queries answered so far, A and AAAA counted separately. */
    public int lookups() {
        return lookups.get();
    }
}
