package io.mailpipe.console;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.logging.Logger;

import io.mailpipe.config.ConsoleConfig;
import io.mailpipe.config.MailpipeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.HttpServerRequest;

/**
 * Signing in with a token (and a name for the audit trail), or through the OpenID Connect provider, and out again. A
 * client address with too many failed token sign-ins is refused for a while (429), before its token is even looked at.
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class SignInPage {

    private final ConsoleAccess access;
    private final SessionRecords records;
    private final ConsolePages pages;
    private static final Logger LOG = Logger.getLogger(SignInPage.class);

    private final SignInThrottle throttle;
    private final MeterRegistry registry;
    private final ConsoleConfig.Oidc oidc;
    private final SecurityIdentity identity;

    public SignInPage(ConsoleAccess access, SessionRecords records, ConsolePages pages, MailpipeConfig config,
            MeterRegistry registry, SecurityIdentity identity) {
        this.access = access;
        this.records = records;
        this.pages = pages;
        this.throttle = new SignInThrottle(config.console().signInAttempts(), config.console().signInWindow(),
                Clock.systemUTC());
        this.registry = registry;
        this.oidc = config.console().oidc();
        this.identity = identity;
    }

    @GET
    @Path("sign-in")
    public String form(@QueryParam("next") String next) {
        return signInPage(next, false, 0);
    }

    private String signInPage(String next, boolean failed, long waitSeconds) {
        String safe = ConsoleGuard.safeNext(next);
        return pages.render("sign-in", null, Map.of("next", safe, "nextQuery", URLEncoder.encode(safe, StandardCharsets.UTF_8),
                "failed", failed, "waitSeconds", waitSeconds, "tokens", access.sessions().withTokens(), "singleSignOn",
                access.singleSignOn()));
    }

    /**
     * Signing in through the OpenID Connect provider. Quarkus has run the code flow before this method runs (the path
     * needs an authenticated identity while single sign-on is on); the provider's groups give the role, the operator's
     * winning, and someone with neither is refused.
     */
    @GET
    @Path("oidc")
    public Response singleSignOn(@QueryParam("next") String next, @Context HttpServerRequest request,
            @Context HttpHeaders headers) {
        if (!access.singleSignOn()) {
            throw new ConsoleRefusal(Status.NOT_FOUND, "Single sign-on is off: set MAILPIPE_CONSOLE_OIDC_ENABLED=true "
                    + "and the provider's QUARKUS_OIDC_AUTH_SERVER_URL, QUARKUS_OIDC_CLIENT_ID and "
                    + "MAILPIPE_CONSOLE_OIDC_CLIENT_SECRET.");
        }
        ConsoleRole role;
        if (identity.hasRole(oidc.operatorRole())) {
            role = ConsoleRole.OPERATOR;
        } else if (identity.hasRole(oidc.viewerRole())) {
            role = ConsoleRole.VIEWER;
        } else {
            registry.counter("mailpipe.console.sign-in.refused", "reason", "oidc-role").increment();
            throw new ConsoleRefusal(Status.FORBIDDEN, "The provider signed you in, but you have neither the role "
                    + oidc.operatorRole() + " nor " + oidc.viewerRole() + ": ask its administrator for one.");
        }
        ConsoleSession session = access.sessions().open(role, identity.getPrincipal().getName()).orElseThrow();
        records.signedIn(session, address(request));
        Response.ResponseBuilder signedIn = Response.seeOther(URI.create(ConsoleGuard.safeNext(next)))
                .header(HttpHeaders.SET_COOKIE, access.setCookie(session));
        ConsoleAccess.clearProviderCookies(headers.getCookies().keySet())
                .forEach(cookie -> signedIn.header(HttpHeaders.SET_COOKIE, cookie));
        return signedIn.build();
    }

    private static String address(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }

    @POST
    @Path("sign-in")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response signIn(@FormParam("token") String token, @FormParam("name") String name,
            @FormParam("next") String next, @Context HttpServerRequest request) {
        String address = address(request);
        Optional<Duration> wait = throttle.attempt(SignInThrottle.clientOf(address));
        if (wait.isPresent()) {
            registry.counter("mailpipe.console.sign-in.refused", "reason", "throttled").increment();
            long seconds = Math.max(1, wait.get().toSeconds() + 1);
            return Response.status(Status.TOO_MANY_REQUESTS).type(MediaType.TEXT_HTML_TYPE)
                    .header(HttpHeaders.RETRY_AFTER, seconds).entity(signInPage(next, true, seconds)).build();
        }
        Optional<ConsoleSession> session = access.sessions().signIn(token, name);
        if (session.isEmpty()) {
            registry.counter("mailpipe.console.sign-in.refused", "reason", "token").increment();
            return Response.status(Status.UNAUTHORIZED).type(MediaType.TEXT_HTML_TYPE).entity(signInPage(next, true, 0))
                    .build();
        }
        throttle.succeeded(SignInThrottle.clientOf(address));
        records.signedIn(session.get(), address);
        return Response.seeOther(URI.create(ConsoleGuard.safeNext(next)))
                .header(HttpHeaders.SET_COOKIE, access.setCookie(session.get())).build();
    }

    /** Ends the session on every replica, so that a copy of its cookie opens nothing either. */
    @POST
    @Path("sign-out")
    public Response signOut(@CookieParam(ConsoleAccess.COOKIE) String cookie) {
        access.sessions().read(cookie).ifPresent(session -> {
            try {
                records.signedOut(session);
            } catch (RuntimeException e) {
                // The cookie is still deleted below; only a copy of it stays valid until it expires.
                LOG.warnf("Could not record the sign-out of %s: %s", session.by(), e.getMessage());
            }
        });
        return Response.seeOther(URI.create("/console/sign-in")).header(HttpHeaders.SET_COOKIE, ConsoleAccess.clearCookie())
                .build();
    }
}
