package io.mailpipe.ops;

import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.ext.Provider;

import io.mailpipe.config.MailpipeConfig;

/** Lets only bearers of {@code MAILPIPE_OPS_TOKEN} reach the operations API; without that token the API is disabled. */
@Provider
@OpsSecured
public class OpsAuthFilter implements ContainerRequestFilter {

    // Filters are created while the application is still being built, before runtime configuration exists.
    private final Instance<MailpipeConfig> config;

    public OpsAuthFilter(Instance<MailpipeConfig> config) {
        this.config = config;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        OpsAccess.refusalResponse(config.get().ops().token(), request.getHeaderString(HttpHeaders.AUTHORIZATION),
                "the operations API is disabled: set MAILPIPE_OPS_TOKEN to enable it").ifPresent(request::abortWith);
    }
}
