package io.mailpipe.ops;

import java.util.Arrays;
import java.util.Optional;

import io.mailpipe.event.MailStream;

/** What an operator's suppression covers: {@value #ALL} mail, or one stream's (a list someone asked to leave). */
public final class SuppressionScope {

    public static final String ALL = "all";

    private SuppressionScope() {
    }

    /**
     * The stream a scope names, or empty for all mail (also when none is given).
     *
     * @throws IllegalArgumentException naming the scopes there are
     */
    public static Optional<String> parse(String scope) {
        if (scope == null || scope.isBlank() || scope.strip().equals(ALL)) {
            return Optional.empty();
        }
        return Optional.of(MailStream.of(scope.strip()).map(MailStream::label)
                .orElseThrow(() -> new IllegalArgumentException("scope must be " + ALL + " or a stream: "
                        + String.join(", ", Arrays.stream(MailStream.values()).map(MailStream::label).toList()) + "; not '"
                        + (scope.length() > 40 ? scope.substring(0, 40) + "..." : scope) + "'")));
    }
}
