package io.mailpipe.outcome;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.camel.Exchange;

/** A list kept in an exchange property, which the pipeline's steps add to and a later step takes. */
public final class ExchangeLists {

    private ExchangeLists() {
    }

    /** Adds the items to the list in the property, creating it on first use. */
    public static <T> void append(Exchange exchange, String property, Collection<? extends T> items) {
        @SuppressWarnings("unchecked")
        List<T> list = exchange.getProperty(property, List.class);
        if (list == null) {
            list = new ArrayList<>();
            exchange.setProperty(property, list);
        }
        list.addAll(items);
    }

    /** Removes the property and returns its list; empty when nothing was added. */
    @SuppressWarnings("unchecked")
    public static <T> List<T> take(Exchange exchange, String property) {
        List<T> list = exchange.getProperty(property, List.class);
        exchange.removeProperty(property);
        return list == null ? List.of() : list;
    }
}
