package io.mailpipe.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SuppressionScopeTest {

    @Test
    void noScopeOrAllMeansAllMailAStreamNameMeansThatStream() {
        assertThat(SuppressionScope.parse(null)).isEmpty();
        assertThat(SuppressionScope.parse(" ")).isEmpty();
        assertThat(SuppressionScope.parse("all")).isEmpty();
        assertThat(SuppressionScope.parse("bulk")).contains("bulk");
        assertThat(SuppressionScope.parse(" transactional ")).contains("transactional");
    }

    @Test
    void anyOtherScopeIsRefusedNamingTheScopesThereAreAndCutShort() {
        assertThatThrownBy(() -> SuppressionScope.parse("weekly")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scope must be all or a stream: transactional, bulk; not 'weekly'");
        assertThatThrownBy(() -> SuppressionScope.parse("x".repeat(500))).hasMessageEndingWith("x...'")
                .hasMessageNotContaining("x".repeat(41));
    }
}
