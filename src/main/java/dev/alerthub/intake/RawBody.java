package dev.alerthub.intake;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A request body exactly as it arrived, for a signature over its bytes. platform-http's body handler
 * parses an {@code application/x-www-form-urlencoded} body into headers and leaves no body at all
 * (camel-platform-http-vertx DefaultHttpRequestBodyHandler), so such a route sets
 * {@code useBodyHandler=false}: Camel then hands over the paused Vert.x request, read here up to a limit.
 */
final class RawBody {
    private RawBody() {
    }

    static byte[] read(Object body, int maxBytes, Duration timeout) {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return check(bytes, maxBytes);
        }
        if (body instanceof HttpServerRequest request) {
            return read(request, maxBytes, timeout);
        }
        if (body instanceof InputStream in) {
            try (in) {
                return check(in.readNBytes(maxBytes + 1), maxBytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (body instanceof Buffer buffer) {
            return check(buffer.getBytes(), maxBytes);
        }
        throw new IllegalStateException("cannot read the raw body of a " + body.getClass().getName());
    }

    private static byte[] read(HttpServerRequest request, int maxBytes, Duration timeout) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        Buffer received = Buffer.buffer();
        request.handler(chunk -> {
            if (received.length() + chunk.length() > maxBytes) {
                done.completeExceptionally(tooLarge(maxBytes));
            } else {
                received.appendBuffer(chunk);
            }
        });
        request.exceptionHandler(done::completeExceptionally);
        request.endHandler(v -> done.complete(received.getBytes()));
        request.resume();
        try {
            return done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof HttpProblem p) {
                throw p;
            }
            throw new HttpProblem(400, "body: could not be read (" + e.getCause().getMessage() + ")");
        } catch (TimeoutException e) {
            throw new HttpProblem(408, "body: not received within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpProblem(503, "body: interrupted while reading");
        }
    }

    private static byte[] check(byte[] bytes, int maxBytes) {
        if (bytes.length > maxBytes) {
            throw tooLarge(maxBytes);
        }
        return bytes;
    }

    private static HttpProblem tooLarge(int maxBytes) {
        return new HttpProblem(413, "body: more than " + maxBytes + " bytes");
    }
}
