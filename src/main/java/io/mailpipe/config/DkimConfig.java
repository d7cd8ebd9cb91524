package io.mailpipe.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.WithDefault;

/**
 * DKIM signing (RFC 6376): a message whose From domain, or a domain above it, has a key here is signed by every active
 * selector of that domain, one signature each. One domain and selector by environment variables, or several in
 * {@code application.properties}; both forms together add up.
 */
public interface DkimConfig {

    /** The signing domain of the short form ({@code MAILPIPE_DKIM_DOMAIN}): the {@code d=} of its signatures. */
    Optional<String> domain();

    /** Its selector: the public key is published at {@code <selector>._domainkey.<domain>}. */
    Optional<String> selector();

    /**
     * Its private key: the path of a PEM file (a Kubernetes Secret mounted as a file), or the PEM text itself (a
     * Secret as an environment variable). RSA of 2048 bits or more, or Ed25519; PKCS#8 or PKCS#1.
     */
    Optional<String> key();

    /**
     * Domains the relay DKIM-signs for (SendGrid, Amazon SES, Postmark and most hosted relays do, with keys of their
     * own): the compliance gate and the start-up checks count mail from them, and from domains below them, as signed.
     */
    Optional<List<String>> relaySigns();

    /**
     * Signing domains by name ({@code mailpipe.dkim.domains."example.com".selectors.s2026.key=...}), each with one
     * or more selectors: an RSA and an Ed25519 one sign side by side; a retired one, kept while mail it signed is
     * still read, signs no more.
     */
    Map<String, Domain> domains();

    /** The selectors of one signing domain. */
    interface Domain {
        Map<String, Selector> selectors();
    }

    /** One selector of a signing domain. */
    interface Selector {

        /** The private key as for {@code mailpipe.dkim.key}; a retired selector needs none. */
        Optional<String> key();

        /**
         * Retired in a key rotation: it signs no more, and the start-up check only looks that its record is still
         * published (mail it signed is verified for days after).
         */
        @WithDefault("false")
        boolean retired();
    }
}
