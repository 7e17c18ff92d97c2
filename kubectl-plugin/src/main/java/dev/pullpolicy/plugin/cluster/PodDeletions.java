package dev.pullpolicy.plugin.cluster;

import dev.pullpolicy.plugin.diagnose.Repairs.Outcome;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.fabric8.kubernetes.client.utils.URLUtils;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The plugin's only write: {@code doctor --fix} deleting a Pod that its controller makes again. One
 * DELETE per Pod with the Pod's UID as precondition, so a Pod made meanwhile under the same name (a
 * StatefulSet's) is never deleted by mistake; the RBAC it needs is {@code pods: delete}, nothing
 * else.
 */
public class PodDeletions {
  private final Supplier<KubernetesClient> client;

  public PodDeletions(Supplier<KubernetesClient> client) {
    this.client = client;
  }

  /**
   * What came of a delete.
   *
   * @param message the API server's message when it refused, else null
   */
  public record Result(Outcome outcome, String message) {}

  /**
   * Deletes Pod {@code namespace/name} if it still has {@code uid}.
   *
   * @param serverDryRun the API server checks the request (RBAC, admission) and deletes nothing
   */
  public Result delete(String namespace, String name, String uid, boolean serverDryRun) {
    KubernetesClient c = client.get();
    String url =
        URLUtils.join(
            c.getMasterUrl().toString(),
            "api/v1/namespaces",
            URLUtils.encodeToUTF(namespace),
            "pods",
            URLUtils.encodeToUTF(name));
    // With a body, the API server reads every option from it (a dryRun query parameter would be
    // ignored).
    String body =
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\""
            + (uid == null ? "" : ",\"preconditions\":{\"uid\":\"" + uid + "\"}")
            + (serverDryRun ? ",\"dryRun\":[\"All\"]" : "")
            + "}";
    HttpRequest.Builder builder =
        c.getHttpClient().newHttpRequestBuilder().uri(url).delete("application/json", body);
    int timeout = c.getConfiguration().getRequestTimeout();
    if (timeout > 0) {
      builder.timeout(timeout, TimeUnit.MILLISECONDS);
    }
    HttpResponse<String> response;
    try {
      response = c.getHttpClient().sendAsync(builder.build(), String.class).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KubernetesClientException("interrupted", e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof KubernetesClientException k
          ? k
          : new KubernetesClientException("DELETE " + url + " failed", e.getCause());
    }
    if (response.isSuccessful()) {
      return new Result(serverDryRun ? Outcome.WOULD_DELETE : Outcome.DELETED, null);
    }
    String message = message(c, response);
    return switch (response.code()) {
      case 404, 409 -> new Result(Outcome.GONE, message); // 409: the UID precondition failed
      case 403 -> new Result(Outcome.FORBIDDEN, message);
      default -> new Result(Outcome.FAILED, message);
    };
  }

  private static String message(KubernetesClient c, HttpResponse<String> response) {
    try {
      Status s = c.getKubernetesSerialization().unmarshal(response.body(), Status.class);
      if (s != null && s.getMessage() != null) {
        return s.getMessage();
      }
    } catch (RuntimeException notAStatus) {
      // the code says enough
    }
    return "HTTP " + response.code();
  }
}
