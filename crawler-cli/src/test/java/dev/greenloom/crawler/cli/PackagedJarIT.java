package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.greenloom.crawler.dns.TestDnsServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The packaged jar ({@code target/greenloom.jar}, as {@code ./greenloom} runs it), not the test classpath.
 * Runs in the build's jar-tests execution, which names the jar; skipped when run before it is packaged.
 */
@Timeout(120)
class PackagedJarIT {
    private static final String JAR = System.getProperty("greenloom.jar");

    @Test
    void resolvesWithAResolverGivenByName() throws IOException, InterruptedException {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        try (TestDnsServer server = TestDnsServer.start().add("a.test", "A", "192.0.2.1")) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // localhost comes from /etc/hosts: the first host name the JVM looks up, through the JDK's resolver.
            Process resolve = new ProcessBuilder(java, "-jar", JAR, "resolve", "--resolver",
                    "localhost:" + server.address().getPort(), "--type", "A", "-").start();
            resolve.getOutputStream().write("a.test\n".getBytes(StandardCharsets.UTF_8));
            resolve.getOutputStream().close();
            String out = new String(resolve.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(resolve.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            resolve.waitFor(60, TimeUnit.SECONDS);
            assertEquals(Main.EXIT_OK, resolve.exitValue(), err);
            assertEquals("a.test\t192.0.2.1\n", out);
        }
    }
}
