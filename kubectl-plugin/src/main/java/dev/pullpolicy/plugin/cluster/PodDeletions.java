package dev.pullpolicy.plugin.cluster;

import dev.pullpolicy.plugin.diagnose.Repairs.Outcome;
import dev.pullpolicy.plugin.transport.Json;
import dev.pullpolicy.plugin.transport.KubeApi;
import dev.pullpolicy.plugin.transport.KubeApi.Response;
import io.fabric8.kubernetes.api.model.Status;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The plugin's only write: {@code doctor --fix} deleting a Pod that its controller makes again. One
 * DELETE per Pod with the Pod's UID as precondition, so a Pod made meanwhile under the same name (a
 * StatefulSet's) is never deleted by mistake; the RBAC it needs is {@code pods: delete}, nothing
 * else.
 */
public class PodDeletions {
  private final Supplier<KubeApi> api;

  public PodDeletions(Supplier<KubeApi> api) {
    this.api = api;
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
    // With a body, the API server reads every option from it (a dryRun query parameter would be
    // ignored).
    String body =
        "{\"apiVersion\":\"v1\",\"kind\":\"DeleteOptions\""
            + (uid == null ? "" : ",\"preconditions\":{\"uid\":\"" + uid + "\"}")
            + (serverDryRun ? ",\"dryRun\":[\"All\"]" : "")
            + "}";
    Response response =
        api.get()
            .send(
                "DELETE",
                "/api/v1/namespaces/"
                    + ClusterReader.segment(namespace)
                    + "/pods/"
                    + ClusterReader.segment(name),
                ClusterReader.JSON,
                "application/json",
                body.getBytes(StandardCharsets.UTF_8));
    if (response.ok()) {
      return new Result(serverDryRun ? Outcome.WOULD_DELETE : Outcome.DELETED, null);
    }
    String message = message(response);
    return switch (response.code()) {
      case 404, 409 -> new Result(Outcome.GONE, message); // 409: the UID precondition failed
      case 403 -> new Result(Outcome.FORBIDDEN, message);
      default -> new Result(Outcome.FAILED, message);
    };
  }

  private static String message(Response response) {
    try {
      Status s = Json.read(response.body(), Status.class);
      if (s != null && s.getMessage() != null) {
        return s.getMessage();
      }
    } catch (RuntimeException notAStatus) {
      // the code says enough
    }
    return "HTTP " + response.code();
  }
}
