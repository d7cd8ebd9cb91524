package io.mailpipe.k8s;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.StreamSupport;

import org.eclipse.microprofile.config.ConfigProvider;

import io.mailpipe.config.MailpipeConfig;

/** The configuration keys Mailpipe really reads, and the environment variable names that set them. */
final class ConfigKeys {

    private ConfigKeys() {
    }

    /** Every {@code mailpipe.*} key of {@link MailpipeConfig}, derived from the interface itself. */
    static Set<String> mailpipe() {
        Set<String> keys = new TreeSet<>();
        collect(MailpipeConfig.class, "mailpipe", keys);
        return keys;
    }

    /** Every key the application reads: Mailpipe's, the Kafka brokers, and the Quarkus and Camel keys the running app knows. */
    static Set<String> all() {
        Set<String> keys = mailpipe();
        keys.add("kafka.bootstrap.servers");
        StreamSupport.stream(ConfigProvider.getConfig().getPropertyNames().spliterator(), false)
                .filter(name -> name.startsWith("quarkus.") || name.startsWith("camel."))
                .forEach(keys::add);
        return keys;
    }

    /**
     * The environment variable SmallRye Config maps to a key: upper case, every other character an underscore; a map
     * key's placeholder {@code <name>} stays, as {@code <NAME>}.
     */
    static String envName(String key) {
        return key.toUpperCase().replaceAll("[^A-Z0-9<>]", "_");
    }

    private static boolean isGroup(Class<?> type) {
        return type.isInterface() && type.getPackage() == MailpipeConfig.class.getPackage();
    }

    private static void collect(Class<?> group, String prefix, Set<String> keys) {
        for (Method method : group.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.getParameterCount() > 0) {
                continue;
            }
            String key = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
            Class<?> type = method.getReturnType();
            if (isGroup(type)) {
                collect(type, key, keys);
            } else if (Map.class.equals(type) && method.getGenericReturnType() instanceof ParameterizedType map
                    && map.getActualTypeArguments()[1] instanceof Class<?> value && isGroup(value)) {
                collect(value, key + ".<name>", keys);
            } else {
                keys.add(key);
            }
        }
    }
}
