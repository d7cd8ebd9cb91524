/** Typed configuration: every mailpipe.* key, its default and its documentation. */
package io.mailpipe.config;
