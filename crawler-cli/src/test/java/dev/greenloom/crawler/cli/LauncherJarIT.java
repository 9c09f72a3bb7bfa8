package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./greenloom} launcher on the packaged jar: which JDK it picks. Runs in the build's
 * jar-tests execution, right after packaging, so the launcher finds the jar up to date.
 */
@Timeout(120)
class LauncherJarIT {
    private static final String JAR = System.getProperty("greenloom.jar");

    /**
     * A version manager (asdf, mise, jenv) puts a shim script named {@code java} on PATH, outside any
     * JDK. The launcher must still run the JDK 25 behind it, not skip PATH for the usual folders. The
     * JDK here is a stand-in that answers for its own home and version, logs that it ran greenloom,
     * then hands over to the JDK running this test.
     */
    @Test
    void runsTheJdkBehindAShimOnPath(@TempDir Path dir) throws IOException, InterruptedException {
        assumeTrue(JAR != null, "no packaged jar in this execution");
        Path launcher = Path.of(JAR).toAbsolutePath().getParent().getParent().getParent().resolve("greenloom");
        Path jdk = Files.createDirectories(dir.resolve("jdk-25"));
        Path ran = jdk.resolve("ran");
        Files.writeString(jdk.resolve("release"), "JAVA_VERSION=\"25\"\n");
        executable(Files.createDirectories(jdk.resolve("bin")).resolve("java"), """
                #!/usr/bin/env bash
                case " $* " in
                  *" -XshowSettings:properties "*) echo "    java.home = %s" >&2; exit 0 ;;
                  *-XX:AOTCacheOutput=*) exit 1 ;;
                esac
                echo "$*" >> '%s'
                exec '%s' "$@"
                """.formatted(jdk, ran, Path.of(System.getProperty("java.home"), "bin", "java")));
        Path shims = Files.createDirectories(dir.resolve("shims"));
        executable(shims.resolve("java"), "#!/usr/bin/env bash\nexec '%s' \"$@\"\n".formatted(jdk.resolve("bin/java")));

        ProcessBuilder builder = new ProcessBuilder("bash", launcher.toString(), "--version");
        Map<String, String> env = builder.environment();
        env.remove("JAVA_HOME");
        env.put("PATH", shims + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(100, TimeUnit.SECONDS), "launcher still running");

        assertEquals(0, process.exitValue(), err);
        assertTrue(out.startsWith("greenloom "), out);
        assertTrue(Files.exists(ran) && Files.readString(ran).contains("--version"),
                "the launcher ran another JDK than the one behind the shim; stderr: " + err);
    }

    private static void executable(Path file, String script) throws IOException {
        Files.writeString(file, script);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
