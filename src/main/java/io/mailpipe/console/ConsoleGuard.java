package io.mailpipe.console;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.Response.Status;

import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Stands before every console page: 404 while the console is disabled; a page without a session sends the browser to
 * sign in; a form posted from another site, without a session, or by a viewer to an operator's action is refused.
 * (The CSRF token of each form is checked by the action itself, which has read the form.) Every answer carries headers
 * that keep the pages out of caches, frames and other sites' scripts.
 */
public class ConsoleGuard {

    /** Scripts and styles only from the console itself; no frames of it elsewhere, no forms to anywhere else. */
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
    private static final Set<String> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD);

    private final ConsoleAccess access;
    private final SessionRecords records;
    private final ConsoleRequest request;
    private final ConsolePages pages;

    public ConsoleGuard(ConsoleAccess access, SessionRecords records, ConsoleRequest request, ConsolePages pages) {
        this.access = access;
        this.records = records;
        this.request = request;
        this.pages = pages;
    }

    @ServerRequestFilter
    public Optional<Response> guard(ContainerRequestContext context, ResourceInfo resource) {
        Class<?> page = resource.getResourceClass();
        if (page == null || !page.getPackageName().equals(ConsoleGuard.class.getPackageName())) {
            return Optional.empty();
        }
        if (!access.sessions().enabled()) {
            return Optional.of(refusal(Status.NOT_FOUND, ConsoleAccess.DISABLED));
        }
        boolean safe = SAFE.contains(context.getMethod());
        if (!safe && crossSite(context)) {
            return Optional.of(refusal(Status.FORBIDDEN, "A form from another site was refused."));
        }
        if (!page.isAnnotationPresent(ConsoleSecured.class)) {
            return Optional.empty();
        }
        Cookie cookie = context.getCookies().get(ConsoleAccess.COOKIE);
        Optional<ConsoleSession> session = access.sessions().read(cookie == null ? null : cookie.getValue())
                .filter(s -> !records.ended(s.id()));
        if (session.isEmpty()) {
            if (safe) {
                return Optional.of(Response.seeOther(URI.create("/console/sign-in?next="
                        + URLEncoder.encode(pathAndQuery(context), StandardCharsets.UTF_8))).build());
            }
            return Optional.of(refusal(Status.FORBIDDEN, "Your sign-in has expired: sign in again, then repeat the action."));
        }
        if (resource.getResourceMethod().isAnnotationPresent(OperatorOnly.class) && !session.get().operator()) {
            return Optional.of(refusal(Status.FORBIDDEN, "Only an operator may do this; you are signed in as a viewer."));
        }
        request.signedIn(session.get());
        return Optional.empty();
    }

    @ServerResponseFilter
    public void headers(ContainerRequestContext context, ContainerResponseContext response) {
        if (!context.getUriInfo().getPath().startsWith("/console")) {
            return;
        }
        putIfAbsent(response, "Content-Security-Policy", POLICY);
        putIfAbsent(response, "X-Content-Type-Options", "nosniff");
        // Not no-referrer: with it browsers post forms with "Origin: null", which crossSite cannot tell from a foreign page.
        putIfAbsent(response, "Referrer-Policy", "same-origin");
        putIfAbsent(response, HttpHeaders.CACHE_CONTROL, "no-store");
    }

    @ServerExceptionMapper
    public Response refused(ConsoleRefusal refusal) {
        return refusal(refusal.status(), refusal.getMessage());
    }

    /** Where a browser that must sign in first goes back to; only a console path, so it cannot send anyone elsewhere. */
    static String safeNext(String next) {
        boolean inConsole = next != null && next.startsWith("/console") && !next.startsWith("//") && !next.contains("\\")
                && !next.startsWith("/console/sign-");
        try {
            return inConsole && URI.create(next).normalize().getRawPath().startsWith("/console/") ? next : "/console";
        } catch (IllegalArgumentException e) {
            return "/console";
        }
    }

    private Response refusal(Status status, String message) {
        return pages.refusal(status, message);
    }

    /**
     * True for a form another site's page made the browser post. Browsers say so in {@code Sec-Fetch-Site}, and name
     * the page's origin in {@code Origin}; clients that send neither (curl, scripts) still need the CSRF token.
     */
    private static boolean crossSite(ContainerRequestContext context) {
        String fetchSite = context.getHeaderString("Sec-Fetch-Site");
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return true;
        }
        String origin = context.getHeaderString("Origin");
        if (origin == null) {
            return false;
        }
        try {
            String authority = URI.create(origin).getRawAuthority();
            // The host the browser asked for: a proxy in front may have passed it on as X-Forwarded-Host.
            return Stream.of(context.getHeaderString("X-Forwarded-Host"), context.getHeaderString(HttpHeaders.HOST))
                    .filter(Objects::nonNull).map(host -> host.split(",")[0].strip())
                    .noneMatch(host -> host.equalsIgnoreCase(authority));
        } catch (IllegalArgumentException e) {
            return true;
        }
    }

    private static String pathAndQuery(ContainerRequestContext context) {
        URI uri = context.getUriInfo().getRequestUri();
        return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    }

    private static void putIfAbsent(ContainerResponseContext response, String name, String value) {
        if (!response.getHeaders().containsKey(name)) {
            response.getHeaders().putSingle(name, value);
        }
    }
}
