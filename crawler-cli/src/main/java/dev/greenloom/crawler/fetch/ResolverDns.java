package dev.greenloom.crawler.fetch;

import dev.greenloom.crawler.dns.RecordType;
import dev.greenloom.crawler.dns.Resolution;
import dev.greenloom.crawler.dns.Resolver;
import dev.greenloom.runtime.Green;
import dev.greenloom.runtime.Greenlet;
import dev.greenloom.runtime.GreenletExit;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import okhttp3.Dns;

/**
 * OkHttp's {@link Dns} over greenloom's {@link Resolver}: A and AAAA looked up concurrently, IPv4 addresses
 * first, each host name looked up once and the answer (or failure) cached for the life of this object, for at
 * most {@code maxEntries} names (least recently used dropped first). Concurrent lookups of one name share one
 * query. IP literals are returned without a lookup. Safe for concurrent use.
 */
final class ResolverDns implements Dns {
    private final Resolver resolver;
    /** Access-ordered, so the eldest entry is the least recently used. Guarded by itself. */
    private final Map<String, FutureTask<List<InetAddress>>> cache;

    ResolverDns(Resolver resolver, int maxEntries) {
        this.resolver = Objects.requireNonNull(resolver, "resolver == null");
        if (maxEntries <= 0) {
            throw new IllegalArgumentException("maxEntries <= 0");
        }
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, FutureTask<List<InetAddress>>> eldest) {
                return size() > maxEntries;
            }
        };
    }

    /**
     * @throws UnknownHostException if neither A nor AAAA records were found; the message says why
     * @throws GreenletExit if the calling thread is interrupted while it waits
     */
    @Override
    public List<InetAddress> lookup(String hostname) throws UnknownHostException {
        String host = hostname.startsWith("[") && hostname.endsWith("]")
                ? hostname.substring(1, hostname.length() - 1) : hostname;
        if (isIpLiteral(host)) {
            return List.of(InetAddress.ofLiteral(host));
        }
        FutureTask<List<InetAddress>> task;
        synchronized (cache) {
            task = cache.computeIfAbsent(host, name -> new FutureTask<>(() -> resolve(name)));
        }
        task.run(); // does nothing if another thread ran it or runs it now
        try {
            return task.get();
        } catch (InterruptedException e) {
            throw Green.interrupted(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownHostException unknown) {
                throw unknown;
            }
            // The thread that ran the lookup was killed, or the resolver broke: forget it, let a later call retry.
            synchronized (cache) {
                cache.remove(host, task);
            }
            if (e.getCause() instanceof GreenletExit exit) {
                throw exit;
            }
            throw (UnknownHostException) new UnknownHostException(host + ": " + e.getCause()).initCause(e.getCause());
        }
    }

    private List<InetAddress> resolve(String host) throws UnknownHostException {
        Greenlet<Resolution> v6 = Green.spawn(() -> resolver.resolve(host, RecordType.AAAA));
        Resolution v4;
        try {
            v4 = resolver.resolve(host, RecordType.A);
        } catch (RuntimeException e) {
            v6.kill(Duration.ZERO);
            throw e;
        }
        Resolution aaaa = v6.get();
        List<InetAddress> addresses = new ArrayList<>();
        for (Resolution resolution : List.of(v4, aaaa)) {
            if (resolution.ok()) {
                for (String record : resolution.records()) {
                    addresses.add(InetAddress.getByAddress(host, InetAddress.ofLiteral(record).getAddress()));
                }
            }
        }
        if (addresses.isEmpty()) {
            String why = v4.ok() ? aaaa.outcome().toString() : v4.error() != null ? v4.error() : v4.outcome().toString();
            throw new UnknownHostException(host + ": " + why);
        }
        return List.copyOf(addresses);
    }

    private static boolean isIpLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true;
        }
        if (host.isEmpty() || !Character.isDigit(host.charAt(host.length() - 1))) {
            return false;
        }
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
