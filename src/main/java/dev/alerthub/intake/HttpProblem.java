package dev.alerthub.intake;

/**
 * A request the hub refuses, with the HTTP status to answer and a message naming the problem.
 * Thrown by beans on the request path; one routeConfiguration turns it into a JSON answer.
 */
public class HttpProblem extends RuntimeException {
    private final int status;

    public HttpProblem(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public static HttpProblem badRequest(String message) {
        return new HttpProblem(400, message);
    }

    public static HttpProblem notFound(String message) {
        return new HttpProblem(404, message);
    }
}
