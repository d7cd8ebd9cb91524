package io.mailpipe.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HtmlToTextTest {

    @Test
    void paragraphsBreaksListsAndTablesBecomeReadableLines() {
        String html = """
                <html><head><title>x</title><style>p{color:red}</style></head><body>
                <p>Hello   <b>Ada</b>,</p><p>line one<br>line two</p>
                <ul><li>first</li><li>second</li></ul>
                <table><tr><td>2 × Notebook</td><td>CHF 6.25</td></tr></table>
                </body></html>""";
        assertThat(HtmlToText.convert(html)).isEqualTo("""
                Hello Ada,

                line one
                line two

                - first
                - second

                2 × Notebook CHF 6.25
                """);
    }

    @Test
    void linksKeepTheirTargetAndEntitiesAreDecoded() {
        assertThat(HtmlToText.convert("<p><a href=\"https://x.example/t?a=1&amp;b=2\">Track</a> &lt;now&gt; &amp; more</p>"))
                .isEqualTo("Track (https://x.example/t?a=1&b=2) <now> & more\n");
    }
}
