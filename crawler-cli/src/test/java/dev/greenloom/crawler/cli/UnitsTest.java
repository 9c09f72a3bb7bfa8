package dev.greenloom.crawler.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

@Timeout(10)
class UnitsTest {
    @ParameterizedTest
    @CsvSource({"250ms, 250", "2s, 2000", "1.5s, 1500", "2, 2000", "0.5m, 30000", "1h, 3600000", "0, 0", "0.5s, 500", "PT2S, 2000", "' 250 MS ', 250"})
    void durationsTakeAUnitOrSeconds(String text, long millis) {
        assertEquals(Duration.ofMillis(millis), new Units.DurationConverter().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "-1s", "", "1 fortnight", "PT-2S"})
    void badDurationsAreRejected(String text) {
        assertThrows(TypeConversionException.class, () -> new Units.DurationConverter().convert(text));
    }

    @ParameterizedTest
    @CsvSource({"500ms, 500", "2s, 2000", "90s, 90000", "1500ms, 1500", "1.5ms, 1.5", "0.5ms, 0.5", "0.001ms, 0.001"})
    void aDurationIsWrittenAsTheOptionsTakeItWithoutRounding(String text, double millis) {
        // '--timeout 0.5ms' timed out lines saying 'not finished within --timeout 0s'.
        assertEquals(text, Units.text(Duration.ofNanos(Math.round(millis * 1e6))));
    }

    @ParameterizedTest
    @CsvSource({"1000, 1000", "500k, 512000", "10M, 10485760", "1G, 1073741824", "10MiB, 10485760", "2kb, 2048"})
    void sizesTakeBinaryUnits(String text, long bytes) {
        assertEquals(bytes, new Units.SizeConverter().convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"big", "1.5M", "99999999999G"})
    void badSizesAreRejected(String text) {
        assertThrows(TypeConversionException.class, () -> new Units.SizeConverter().convert(text));
    }
}
