package dev.alerthub.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for an outside HTTP service (PagerDuty, Slack) on 127.0.0.1: records every request,
 * answers scripted responses, and checks each request's shape, answering 400 to a bad one (as the
 * real service would) and keeping the reason for the test to assert on.
 */
public class HttpStub implements AutoCloseable {
    public record Request(String method, String path, Map<String, List<String>> headers, String body, Instant at) {
        public String header(String name) {
            for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                if (e.getKey() != null && e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue().get(0);
                }
            }
            return null;
        }
    }

    public record Response(int status, Map<String, String> headers, String body) {
        public static Response of(int status, String body) {
            return new Response(status, Map.of(), body);
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Request> accepted = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Deque<Response> script = new ArrayDeque<>();
    private final Function<Request, String> validator;
    private volatile Response normal;
    private volatile Function<Request, Response> responder;
    private volatile Outage outage;

    public HttpStub(Response normal, Function<Request, String> validator) {
        this.normal = normal;
        this.validator = validator;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    /** The next requests get these answers, in order; then the normal answer again. */
    public synchronized HttpStub thenRespond(Response... responses) {
        script.addAll(List.of(responses));
        return this;
    }

    public void setNormal(Response normal) {
        this.normal = normal;
    }

    /** The normal answer computed from each request (a stateful stand-in such as Slack's Web API). */
    public HttpStub respondWith(Function<Request, Response> responder) {
        this.responder = responder;
        return this;
    }

    /**
     * An outage: every request gets {@code answer} until {@code duration} from now has passed, then
     * the normal answer again (a script queued with {@link #thenRespond} still comes first).
     */
    public HttpStub outage(Response answer, Duration duration) {
        outage = new Outage(answer, Instant.now().plus(duration));
        return this;
    }

    private record Outage(Response answer, Instant until) {
    }

    /** Every request, including refused ones. */
    public List<Request> requests() {
        return List.copyOf(requests);
    }

    /** Requests answered with 2xx: what the service really accepted. */
    public List<Request> accepted() {
        return List.copyOf(accepted);
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    public void clear() {
        requests.clear();
        accepted.clear();
        violations.clear();
        outage = null;
        synchronized (this) {
            script.clear();
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(),
                Map.copyOf(ex.getRequestHeaders()), body, Instant.now());
        requests.add(r);
        String problem;
        try {
            problem = validator == null ? null : validator.apply(r);
        } catch (RuntimeException e) {
            problem = "unreadable request: " + e;
        }
        Response answer;
        if (problem != null) {
            violations.add(problem);
            answer = Response.of(400, "{\"status\":\"invalid event\",\"errors\":[\"" + problem.replace("\"", "'") + "\"]}");
        } else {
            Outage o = outage;
            synchronized (this) {
                answer = !script.isEmpty() ? script.poll()
                        : o != null && r.at().isBefore(o.until()) ? o.answer() : null;
            }
            if (answer == null) {
                Function<Request, Response> f = responder;
                answer = f != null ? f.apply(r) : normal;
            }
        }
        if (answer.status() >= 200 && answer.status() < 300) {
            accepted.add(r);
        }
        answer.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
        if (out.length > 0) {
            ex.getResponseBody().write(out);
        }
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
