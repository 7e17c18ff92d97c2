package dev.pullpolicy.operator.apply;

/**
 * The raw result of one API request: the HTTP status code and the object returned, or the API
 * server's message. No interpretation: what a 409 or a 404 means is decided by the caller.
 *
 * @param code the HTTP status code; 0 when the request failed without an HTTP answer
 * @param object the object the server returned (null for a failure, a delete, or 404 on a read)
 * @param message on failure, the API server's message (it names objects, never Secret data), or the
 *     exception's type when there was no answer
 * @param namespaceGone the API server said the request's namespace is being deleted (403 with the
 *     cause {@code NamespaceTerminating}) or is gone (404 for the namespace itself)
 */
public record Response<T>(int code, T object, String message, boolean namespaceGone) {
  public static final int OK = 200;
  public static final int FORBIDDEN = 403;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;

  /** A response that says nothing about the namespace. */
  public Response(int code, T object, String message) {
    this(code, object, message, false);
  }

  public static <T> Response<T> ok(T object) {
    return new Response<>(OK, object, null);
  }

  /** 2xx, or a read that found nothing (404 with a null object is an answer too). */
  public boolean succeeded() {
    return code >= 200 && code < 300;
  }

  public boolean is(int status) {
    return code == status;
  }
}
