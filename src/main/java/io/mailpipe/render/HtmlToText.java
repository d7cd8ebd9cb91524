package io.mailpipe.render;

import java.util.regex.Pattern;

/** Derives a readable plain-text part from rendered HTML, for templates without {@code body.txt}. */
final class HtmlToText {

    private static final Pattern HIDDEN = Pattern.compile("(?is)<(head|style|script|title)\\b.*?</\\1\\s*>");
    private static final Pattern LINK = Pattern.compile("(?is)<a\\b[^>]*?href\\s*=\\s*\"([^\"]*)\"[^>]*>(.*?)</a\\s*>");
    private static final Pattern LINE_BREAK = Pattern.compile("(?i)<br\\s*/?>");
    private static final Pattern BLOCK_END = Pattern
            .compile("(?i)</(p|div|h[1-6]|tr|table|ul|ol|blockquote)\\s*>|<(p|div|h[1-6]|tr|table)\\b[^>]*>");
    private static final Pattern CELL_END = Pattern.compile("(?i)</t[dh]\\s*>");
    private static final Pattern LIST_ITEM = Pattern.compile("(?i)<li\\b[^>]*>");
    private static final Pattern TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern SPACES = Pattern.compile("[ \\t\\x0B\\f\\r]+");
    private static final Pattern BLANK_LINES = Pattern.compile("\\n\\s*\\n(\\s*\\n)+");

    private HtmlToText() {
    }

    static String convert(String html) {
        String text = HIDDEN.matcher(html).replaceAll("");
        text = LINK.matcher(text).replaceAll(m -> linkText(m.group(2), m.group(1)));
        text = LINE_BREAK.matcher(text).replaceAll("\n");
        text = BLOCK_END.matcher(text).replaceAll("\n\n");
        text = CELL_END.matcher(text).replaceAll(" ");
        text = LIST_ITEM.matcher(text).replaceAll("\n- ");
        text = TAG.matcher(text).replaceAll("");
        text = decodeEntities(text);
        text = SPACES.matcher(text).replaceAll(" ");
        text = text.lines().map(String::strip).reduce((a, b) -> a + "\n" + b).orElse("");
        return BLANK_LINES.matcher(text).replaceAll("\n\n").strip() + "\n";
    }

    private static String linkText(String label, String href) {
        String plain = TAG.matcher(label).replaceAll("").strip();
        String target = href;
        String replacement = plain.isEmpty() || plain.equals(target) ? target : plain + " (" + target + ")";
        return java.util.regex.Matcher.quoteReplacement(replacement);
    }

    private static String decodeEntities(String text) {
        return text.replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&#x27;", "'")
                .replace("&amp;", "&");
    }
}
