package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(120)
class AotTrainingTest {
    /** The launcher records its start-up cache from this run; every command in it must succeed. */
    @Test
    void everyTrainingCommandSucceedsAndNothingIsLeftBehind() throws IOException {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));

        AotTraining.train(20, 100, 1);

        try (Stream<Path> left = Files.list(temp)) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith("greenloom-aot-training")).count());
        }
    }
}
