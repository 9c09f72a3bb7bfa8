package dev.greenloom.crawler.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.greenloom.crawler.dns.RecordType;
import dev.greenloom.crawler.dns.Resolution;
import dev.greenloom.crawler.dns.Resolver;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ResolverDnsTest {
    @Test
    void returnsIpv4ThenIpv6Addresses() throws UnknownHostException {
        Resolver both = (name, type) -> new Resolution(name, type, Resolution.Outcome.OK,
                List.of(type == RecordType.A ? "192.0.2.1" : "2001:db8::1"), List.of(), null);

        List<InetAddress> addresses = new ResolverDns(both, 10).lookup("example.com");

        assertEquals(List.of("192.0.2.1", "2001:db8:0:0:0:0:0:1"),
                addresses.stream().map(InetAddress::getHostAddress).toList());
        assertEquals("example.com", addresses.getFirst().getHostName());
    }

    @Test
    void ipLiteralsNeedNoLookup() throws UnknownHostException {
        LoopbackResolver resolver = new LoopbackResolver();
        ResolverDns dns = new ResolverDns(resolver, 10);

        assertEquals("10.1.2.3", dns.lookup("10.1.2.3").getFirst().getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", dns.lookup("::1").getFirst().getHostAddress());
        assertEquals(0, resolver.lookups());
    }

    @Test
    void failuresAreUnknownHostsNamingTheReason() {
        ResolverDns dns = new ResolverDns(new LoopbackResolver(), 10);

        UnknownHostException e = assertThrows(UnknownHostException.class, () -> dns.lookup("gone.invalid"));

        assertTrue(e.getMessage().contains("gone.invalid") && e.getMessage().contains("NXDOMAIN"), e.getMessage());
    }

    @Test
    void concurrentLookupsOfOneNameShareOneQueryAndAreCached() throws UnknownHostException {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger queries = new AtomicInteger();
        Resolver slow = (name, type) -> {
            queries.incrementAndGet();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new LoopbackResolver().resolve(name, type);
        };
        ResolverDns dns = new ResolverDns(slow, 10);
        List<Greenlet<List<InetAddress>>> lookups = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            lookups.add(Green.spawn(() -> dns.lookup("shared.example")));
        }
        release.countDown();

        Green.joinAll(lookups).forEach(lookup -> assertEquals("127.0.0.1", lookup.get().getFirst().getHostAddress()));
        dns.lookup("shared.example");

        assertEquals(2, queries.get(), "one A and one AAAA query for 21 lookups");
    }

    @Test
    void theLeastRecentlyUsedNameIsDroppedBeyondTheLimit() throws UnknownHostException {
        LoopbackResolver resolver = new LoopbackResolver();
        ResolverDns dns = new ResolverDns(resolver, 2);

        dns.lookup("a.example");
        dns.lookup("b.example");
        dns.lookup("a.example");
        dns.lookup("c.example");
        dns.lookup("a.example");
        assertEquals(6, resolver.lookups(), "a, b, c once each");
        dns.lookup("b.example");
        assertEquals(8, resolver.lookups(), "b was dropped");
    }
}
