package io.mailpipe.testing;

import java.time.Duration;
import java.util.Map;

import io.mailpipe.config.MailpipeConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/** The real {@link MailpipeConfig} mapping, with its defaults and the given overrides, for tests of pure logic. */
public final class TestConfigs {

    private TestConfigs() {
    }

    public static MailpipeConfig mailpipe(Map<String, String> overrides) {
        return config(overrides).getConfigMapping(MailpipeConfig.class);
    }

    /** The whole configuration: the mapping as above, and the other keys given (such as {@code kafka.*}). */
    public static SmallRyeConfig config(Map<String, String> overrides) {
        return new SmallRyeConfigBuilder()
                .withMapping(MailpipeConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(overrides, "test", 500))
                .build();
    }
}
