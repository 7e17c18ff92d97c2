package dev.pullpolicy.operator.apply;

/**
 * The raw result of one API request: the HTTP status code and the object returned, or the API
 * server's message. No interpretation: what a 409 or a 404 means is decided by the caller.
 *
 * @param code the HTTP status code; 0 when the request failed without an HTTP answer
 * @param object the object the server returned (null for a failure, a delete, or 404 on a read)
 * @param message on failure, the API server's message (it names objects, never Secret data), or the
 *     exception's type when there was no answer
 */
public record Response<T>(int code, T object, String message) {
  public static final int OK = 200;
  public static final int NOT_FOUND = 404;
  public static final int CONFLICT = 409;

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
