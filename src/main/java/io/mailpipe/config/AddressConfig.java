package io.mailpipe.config;

import io.smallrye.config.WithDefault;

/** Unusual address forms events may use. */
public interface AddressConfig {

    /** Whether a domain may be a single label ({@code dev@localhost}); the local stack allows it. */
    @WithDefault("false")
    boolean allowSingleLabelDomains();

    /** Whether a domain may be an address literal ({@code a@[192.0.2.1]}), which bypasses the MX lookup. */
    @WithDefault("false")
    boolean allowDomainLiterals();

    /** Whether a quoted local part may hold spaces, {@code <}, {@code >}, {@code =}, {@code @} or other specials. */
    @WithDefault("false")
    boolean allowQuotedSpecials();
}
