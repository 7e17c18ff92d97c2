package dev.pullpolicy.operator.apply;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;
import java.util.function.Supplier;

/**
 * The operator's only way to change the cluster. Each method is one request, executed as asked,
 * returning the raw {@link Response}; it never decides anything (whether a Secret may be written is
 * {@code Ownership}'s question, asked by the {@link Applier}).
 */
public interface Writer {
  Response<Secret> createSecret(Secret secret);

  /** Update with the resourceVersion the object carries (409 when it is stale). */
  Response<Secret> updateSecret(Secret secret);

  /** Read one Secret: code 200 with it, or 404 with null. */
  Response<Secret> getSecret(String namespace, String name);

  Response<Void> deleteSecret(String namespace, String name);

  /**
   * Changes a ServiceAccount's {@code imagePullSecrets} and annotations from those of {@code
   * current} to those of {@code edited} ({@link ServiceAccountPatch}: a merge patch guarded by
   * current's resourceVersion, 409 when it is stale); the rest of the object is left as it is.
   */
  Response<ServiceAccount> patchServiceAccount(ServiceAccount current, ServiceAccount edited);

  /** Read one ServiceAccount: code 200 with it, or 404 with null. */
  Response<ServiceAccount> getServiceAccount(String namespace, String name);

  Response<Event> createEvent(Event event);

  /** Runs the tasks on the bounded write pool and returns their results in order. */
  <T> List<T> inParallel(List<Supplier<T>> tasks);
}
