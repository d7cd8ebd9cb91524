package io.mailpipe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.lang.JoseException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An OpenID Connect provider on a loopback port, speaking the authorization code flow as real ones do: discovery, a
 * JWKS with its RSA key, an authorization endpoint that signs in whoever the test says is at the browser (no login
 * form) and sends the browser back with a code, and a token endpoint that checks the client's secret and the code and
 * answers with an RS256-signed ID token carrying the user's name, groups and the nonce it was given.
 */
public final class TestOidcServer implements AutoCloseable {

    public static final String CLIENT_ID = "mailpipe-console";
    public static final String CLIENT_SECRET = "a-client-secret-of-the-test-provider-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Who the provider signs in next: their name and groups. */
    public record User(String name, List<String> groups) {
    }

    private record Grant(User user, String nonce, String redirectUri) {
    }

    private final HttpServer server;
    private final KeyPair key;
    private final String kid = UUID.randomUUID().toString();
    private final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private volatile User user = new User("nobody", List.of());

    public TestOidcServer() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            key = generator.generateKeyPair();
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        server.createContext("/.well-known/openid-configuration", this::discovery);
        server.createContext("/jwks", this::jwks);
        server.createContext("/authorize", this::authorize);
        server.createContext("/token", this::token);
        server.start();
    }

    /** The issuer, as {@code quarkus.oidc.auth-server-url} takes it. */
    public String issuer() {
        return "http://" + server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** The person the next authorization signs in. */
    public void signInAs(String name, String... groups) {
        user = new User(name, List.of(groups));
    }

    /** ID tokens issued so far. */
    public int tokensIssued() {
        return tokensIssued.get();
    }

    private void discovery(HttpExchange exchange) throws IOException {
        String issuer = issuer();
        Map<String, Object> document = new HashMap<>();
        document.put("issuer", issuer);
        document.put("authorization_endpoint", issuer + "/authorize");
        document.put("token_endpoint", issuer + "/token");
        document.put("jwks_uri", issuer + "/jwks");
        document.put("response_types_supported", List.of("code"));
        document.put("subject_types_supported", List.of("public"));
        document.put("id_token_signing_alg_values_supported", List.of("RS256"));
        document.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        answer(exchange, 200, JSON.writeValueAsString(document));
    }

    private void jwks(HttpExchange exchange) throws IOException {
        RSAPublicKey publicKey = (RSAPublicKey) key.getPublic();
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        Map<String, Object> jwk = Map.of("kty", "RSA", "use", "sig", "alg", "RS256", "kid", kid,
                "n", url.encodeToString(unsigned(publicKey.getModulus().toByteArray())),
                "e", url.encodeToString(unsigned(publicKey.getPublicExponent().toByteArray())));
        answer(exchange, 200, JSON.writeValueAsString(Map.of("keys", List.of(jwk))));
    }

    private static byte[] unsigned(byte[] twosComplement) {
        return twosComplement.length > 1 && twosComplement[0] == 0
                ? java.util.Arrays.copyOfRange(twosComplement, 1, twosComplement.length)
                : twosComplement;
    }

    private void authorize(HttpExchange exchange) throws IOException {
        Map<String, String> query = form(exchange.getRequestURI().getRawQuery());
        if (!"code".equals(query.get("response_type")) || !CLIENT_ID.equals(query.get("client_id"))
                || query.get("redirect_uri") == null) {
            answer(exchange, 400, "{\"error\": \"invalid_request\"}");
            return;
        }
        String code = UUID.randomUUID().toString();
        codes.put(code, new Grant(user, query.get("nonce"), query.get("redirect_uri")));
        String back = query.get("redirect_uri") + (query.get("redirect_uri").contains("?") ? "&" : "?") + "code=" + code
                + (query.containsKey("state") ? "&state=" + URLEncoder.encode(query.get("state"), StandardCharsets.UTF_8) : "");
        exchange.getResponseHeaders().set("Location", back);
        exchange.sendResponseHeaders(302, -1);
        exchange.close();
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> body = form(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        if (!clientAuthenticated(exchange, body)) {
            answer(exchange, 401, "{\"error\": \"invalid_client\"}");
            return;
        }
        Grant grant = codes.remove(String.valueOf(body.get("code")));
        if (grant == null || !"authorization_code".equals(body.get("grant_type"))
                || !grant.redirectUri().equals(body.get("redirect_uri"))) {
            answer(exchange, 400, "{\"error\": \"invalid_grant\"}");
            return;
        }
        JwtClaims claims = new JwtClaims();
        claims.setIssuer(issuer());
        claims.setAudience(CLIENT_ID);
        claims.setSubject(grant.user().name());
        claims.setClaim("preferred_username", grant.user().name());
        claims.setStringListClaim("groups", grant.user().groups());
        if (grant.nonce() != null) {
            claims.setClaim("nonce", grant.nonce());
        }
        claims.setIssuedAtToNow();
        claims.setExpirationTimeMinutesInTheFuture(5);
        JsonWebSignature jws = new JsonWebSignature();
        jws.setPayload(claims.toJson());
        jws.setKey(key.getPrivate());
        jws.setKeyIdHeaderValue(kid);
        jws.setAlgorithmHeaderValue(AlgorithmIdentifiers.RSA_USING_SHA256);
        String idToken;
        try {
            idToken = jws.getCompactSerialization();
        } catch (JoseException e) {
            throw new IllegalStateException(e);
        }
        tokensIssued.incrementAndGet();
        answer(exchange, 200, JSON.writeValueAsString(Map.of("access_token", UUID.randomUUID().toString(), "token_type",
                "Bearer", "expires_in", 300, "id_token", idToken)));
    }

    /** The client's secret, sent as HTTP Basic (client_secret_basic) or in the form (client_secret_post). */
    private static boolean clientAuthenticated(HttpExchange exchange, Map<String, String> body) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.startsWith("Basic ")) {
            String[] pair = new String(Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8)
                    .split(":", 2);
            return pair.length == 2 && CLIENT_ID.equals(URLDecoder.decode(pair[0], StandardCharsets.UTF_8))
                    && CLIENT_SECRET.equals(URLDecoder.decode(pair[1], StandardCharsets.UTF_8));
        }
        return CLIENT_ID.equals(body.get("client_id")) && CLIENT_SECRET.equals(body.get("client_secret"));
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> values = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return values;
        }
        for (String pair : encoded.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            values.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values;
    }

    private static void answer(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
