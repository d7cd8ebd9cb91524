/**
 * Traffic control: the streams of mail (transactional, bulk), each with a topic of its own, whether each is paused
 * for the whole deployment, its rate and connection budget, its send window, and the shaping rules that slow one
 * receiving provider or relay after its throttle replies.
 */
package io.mailpipe.traffic;
