package dev.alerthub.admin;

import dev.alerthub.intake.HttpProblem;
import io.vertx.core.net.SocketAddress;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The decision alone, fed the remote address header platform-http sets from the TCP peer
 * (NonLoopbackApiWritesTest shows the same over a real non-loopback connection).
 */
class ApiGuardTest {
    static Exchange request(String method, String remoteHost, String authorization) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader(Exchange.HTTP_METHOD, method);
        if (remoteHost != null) {
            e.getMessage().setHeader(VertxPlatformHttpConstants.REMOTE_ADDRESS, SocketAddress.inetSocketAddress(40000, remoteHost));
        }
        if (authorization != null) {
            e.getMessage().setHeader("Authorization", authorization);
        }
        return e;
    }

    static int refusal(ApiGuard guard, Exchange e) {
        try {
            guard.check(e);
            return 0;
        } catch (HttpProblem p) {
            return p.status();
        }
    }

    @Test
    void withoutATokenOnlyLoopbackClientsMayWrite() {
        ApiGuard guard = new ApiGuard("");
        for (String loopback : new String[] {"127.0.0.1", "127.3.4.5", "::1", "0:0:0:0:0:0:0:1"}) {
            assertThat(refusal(guard, request("POST", loopback, null))).as(loopback).isZero();
        }
        for (String remote : new String[] {"10.1.2.3", "192.0.2.7", "fe80::1", "::ffff:10.0.0.1", "128.0.0.1"}) {
            assertThat(refusal(guard, request("DELETE", remote, null))).as(remote).isEqualTo(403);
            assertThat(refusal(guard, request("POST", remote, "Bearer anything"))).as(remote).isEqualTo(403);
        }
        assertThat(refusal(guard, request("POST", null, null))).as("no peer address: treated as remote").isEqualTo(403);
    }

    @Test
    void forwardingHeadersDoNotMakeARemoteClientLocal() {
        Exchange e = request("POST", "10.1.2.3", null);
        e.getMessage().setHeader("X-Forwarded-For", "127.0.0.1");
        e.getMessage().setHeader("Forwarded", "for=127.0.0.1");
        assertThat(refusal(new ApiGuard(null), e)).isEqualTo(403);
    }

    @Test
    void withATokenEveryWriteNeedsItWhereverItComesFrom() {
        ApiGuard guard = new ApiGuard("t0ken");
        assertThat(refusal(guard, request("POST", "127.0.0.1", null))).as("loopback is no exemption").isEqualTo(401);
        assertThat(refusal(guard, request("PUT", "10.1.2.3", "Bearer t0ke"))).isEqualTo(401);
        assertThat(refusal(guard, request("DELETE", "10.1.2.3", "Bearer t0ken2"))).isEqualTo(401);
        assertThat(refusal(guard, request("POST", "10.1.2.3", "t0ken"))).isEqualTo(401);
        assertThatThrownBy(() -> guard.check(request("POST", "10.1.2.3", "Basic dDBrZW4=")))
                .isInstanceOf(HttpProblem.class).hasMessageContaining("Authorization");
        assertThat(refusal(guard, request("POST", "10.1.2.3", "Bearer t0ken"))).isZero();
        assertThat(refusal(guard, request("DELETE", "10.1.2.3", "bearer  t0ken "))).isZero();
    }

    @Test
    void readsNeedNothing() {
        ApiGuard guard = new ApiGuard("t0ken");
        assertThatCode(() -> guard.check(request("GET", "10.1.2.3", null))).doesNotThrowAnyException();
        assertThatCode(() -> new ApiGuard(null).check(request("HEAD", "10.1.2.3", null))).doesNotThrowAnyException();
    }
}
