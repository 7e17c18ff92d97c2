package dev.pullpolicy.operator.apply;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.ownership.WriteDecision;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.operator.desired.Copies;
import dev.pullpolicy.operator.desired.NamespacePlan;
import dev.pullpolicy.operator.desired.NamespacePlan.EntryRemoval;
import dev.pullpolicy.operator.desired.NamespacePlan.State;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Carries out the plans through the {@link Writer}: the order of the requests, and what to do when
 * the cache was behind. After a write answered 409 (or 404) the Secret is read again and {@link
 * Ownership} decides on the fresh object, exactly as it did on the cached one when planning. Holds
 * no state between reconciles.
 */
@ApplicationScoped
public class Applier {
  private static final Logger LOG = Logger.getLogger(Applier.class);

  /** Attempts of a read-modify-write before the namespace is reported as failed. */
  static final int ATTEMPTS = 6;

  private final Writer writer;

  @Inject
  public Applier(Writer writer) {
    this.writer = writer;
  }

  /** Applies the plans; returns one outcome per plan. Quiet plans cost no API call. */
  public List<Outcome> apply(
      PullCredentialPolicy policy, Ownership ownership, List<NamespacePlan> plans) {
    String me = policy.getMetadata().getName();
    List<Outcome> outcomes = new ArrayList<>(plans.size());
    List<Supplier<Outcome>> writes = new ArrayList<>();
    List<Integer> at = new ArrayList<>();
    for (NamespacePlan p : plans) {
      outcomes.add(p.quiet() ? quietOutcome(p) : null);
      if (!p.quiet()) {
        at.add(outcomes.size() - 1);
        writes.add(() -> applyOne(me, ownership, p));
      }
    }
    List<Outcome> written = writer.inParallel(writes);
    for (int i = 0; i < written.size(); i++) {
      outcomes.set(at.get(i), written.get(i));
    }
    return outcomes;
  }

  private static Outcome quietOutcome(NamespacePlan p) {
    return switch (p.state()) {
      case SYNCED ->
          Outcome.synced(
              p.namespace(), p.serviceAccountsSelected(), p.serviceAccountsPatched(), false);
      case CONFLICT ->
          Outcome.conflict(p.namespace(), p.decision().reason(), p.decision().message(), false);
      default -> Outcome.none(p.namespace(), false);
    };
  }

  private Outcome applyOne(String me, Ownership ownership, NamespacePlan p) {
    String ns = p.namespace();
    boolean wrote = false;
    for (Secret stale : p.deletes()) {
      Response<Void> r = writer.deleteSecret(ns, stale.getMetadata().getName());
      if (!r.succeeded() && !r.is(Response.NOT_FOUND)) {
        return failed(me, ns, r, wrote);
      }
      wrote = true;
    }
    for (EntryRemoval removal : p.removeEntries()) {
      Edit e =
          editServiceAccount(
              removal.serviceAccount(),
              sa -> ServiceAccountEntries.withoutEntry(sa, removal.secretName(), me));
      if (e.failure() != null) {
        return failed(me, ns, e.failure(), wrote);
      }
      wrote |= e.edited();
    }
    if (!p.selected()) {
      return Outcome.none(ns, wrote);
    }
    if (p.state() == State.CONFLICT) {
      return Outcome.conflict(ns, p.decision().reason(), p.decision().message(), wrote);
    }
    if (p.state() == State.WRITE || p.state() == State.CHECK) {
      Write w = writeCopy(me, ownership, p, wrote);
      wrote = w.wrote();
      if (w.outcome() != null) {
        return w.outcome();
      }
    }
    int patched = p.serviceAccountsPatched();
    for (ServiceAccount sa : p.addEntry()) {
      Edit e =
          editServiceAccount(sa, s -> ServiceAccountEntries.withEntry(s, ownership.target(), me));
      if (e.failure() != null) {
        return failed(me, ns, e.failure(), wrote);
      }
      wrote |= e.edited();
      if (e.result() != null && ServiceAccountEntries.hasEntry(e.result(), ownership.target())) {
        patched++;
      }
    }
    return Outcome.synced(ns, p.serviceAccountsSelected(), patched, wrote);
  }

  /**
   * The result of writing the copy: an outcome when the namespace ends there (a conflict, a
   * failure), and whether anything in the namespace was written so far.
   */
  private record Write(Outcome outcome, boolean wrote) {}

  /**
   * Creates or updates the copy. A write the cache was wrong about (409, 404), or a namespace the
   * last status reported in conflict, is decided again on the freshly read Secret.
   */
  private Write writeCopy(String me, Ownership ownership, NamespacePlan p, boolean wroteBefore) {
    String ns = p.namespace();
    boolean wrote = wroteBefore;
    Secret desired = p.desired();
    String name = desired.getMetadata().getName();
    if (p.state() == State.WRITE) {
      Response<Secret> first =
          p.existing() == null
              ? writer.createSecret(desired)
              : writer.updateSecret(withVersionOf(desired, p.existing()));
      if (first.succeeded()) {
        return new Write(null, true);
      }
      if (first.namespaceGone()) {
        return new Write(gone(me, ns, wrote), wrote);
      }
      if (!first.is(Response.CONFLICT) && !first.is(Response.NOT_FOUND)) {
        return new Write(failed(me, ns, first, wrote), wrote);
      }
      // the cache was behind: decide again on what is there now
    }
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Response<Secret> read = writer.getSecret(ns, name);
      if (!read.succeeded() && !read.is(Response.NOT_FOUND)) {
        return new Write(failed(me, ns, read, wrote), wrote);
      }
      Secret current = read.object();
      WriteDecision d =
          current == null
              ? ownership.decide(ns, null, null)
              : ownership.decide(ns, current.getMetadata(), current.getType());
      Response<?> r;
      switch (d.action()) {
        case CONFLICT -> {
          return new Write(Outcome.conflict(ns, d.reason(), d.message(), wrote), wrote);
        }
        case SERVED_BY_SOURCE -> {
          return new Write(null, wrote);
        }
        case CREATE -> r = writer.createSecret(desired);
        case UPDATE -> r = writer.updateSecret(withVersionOf(desired, current));
        default -> {
          // ADOPT
          if (Objects.equals(current.getType(), desired.getType())) {
            r = writer.updateSecret(withVersionOf(desired, current));
          } else {
            // a Secret's type is immutable: replace it
            Response<Void> deleted = writer.deleteSecret(ns, name);
            if (!deleted.succeeded()) {
              return new Write(failed(me, ns, deleted, wrote), wrote);
            }
            wrote = true;
            r = writer.createSecret(desired);
          }
          if (r.succeeded()) {
            LOG.infof("policy %s: adopted Secret %s/%s", me, ns, name);
          }
        }
      }
      if (r.succeeded()) {
        return new Write(null, true);
      }
      if (r.namespaceGone()) {
        return new Write(gone(me, ns, wrote), wrote);
      }
      if (!r.is(Response.CONFLICT) && !r.is(Response.NOT_FOUND)) {
        return new Write(failed(me, ns, r, wrote), wrote);
      }
    }
    return new Write(
        failed(
            me,
            ns,
            new Response<>(
                Response.CONFLICT,
                null,
                "Secret " + ns + "/" + name + ": still conflicting after retries"),
            wrote),
        wrote);
  }

  private static Secret withVersionOf(Secret desired, Secret current) {
    Secret s = new SecretBuilder(desired).build();
    s.getMetadata().setResourceVersion(current.getMetadata().getResourceVersion());
    return s;
  }

  /**
   * The result of a ServiceAccount edit: the ServiceAccount as it is now (null when gone), whether
   * we wrote, and the failed response when the edit could not be made.
   */
  public record Edit(ServiceAccount result, boolean edited, Response<?> failure) {}

  /**
   * Read-modify-write of one ServiceAccount: applies {@code edit} to the cached copy and patches
   * the difference, guarded by the copy's resourceVersion; on 409 reads it again and retries.
   */
  public Edit editServiceAccount(
      ServiceAccount cached, Function<ServiceAccount, Optional<ServiceAccount>> edit) {
    String ns = cached.getMetadata().getNamespace();
    String name = cached.getMetadata().getName();
    ServiceAccount current = cached;
    boolean edited = false;
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Optional<ServiceAccount> next = edit.apply(current);
      if (next.isEmpty()) {
        return new Edit(current, edited, null);
      }
      Response<ServiceAccount> r = writer.patchServiceAccount(current, next.get());
      if (r.succeeded()) {
        return new Edit(r.object(), true, null);
      }
      if (r.is(Response.NOT_FOUND)) {
        return new Edit(null, edited, null);
      }
      if (!r.is(Response.CONFLICT)) {
        return new Edit(current, edited, r);
      }
      Response<ServiceAccount> read = writer.getServiceAccount(ns, name);
      if (read.is(Response.NOT_FOUND)) {
        return new Edit(null, edited, null);
      }
      if (!read.succeeded()) {
        return new Edit(current, edited, read);
      }
      current = read.object();
    }
    return new Edit(
        current,
        edited,
        new Response<>(
            Response.CONFLICT,
            null,
            "ServiceAccount " + ns + "/" + name + ": still conflicting after retries"));
  }

  /**
   * Removes (or, with {@code orphan}, releases) what a deleted policy left: its copies, and its
   * ServiceAccount entries. Returns how many objects were changed; a failure is reported by the
   * exception of the first failed request, so that the finalizer stays and the cleanup is retried.
   */
  public int cleanup(
      PullCredentialPolicy policy,
      Ownership ownership,
      boolean orphan,
      List<Secret> copies,
      List<ServiceAccount> serviceAccounts) {
    String me = policy.getMetadata().getName();
    String uid = policy.getMetadata().getUid();
    List<Supplier<Response<?>>> tasks = new ArrayList<>();
    for (Secret s : copies) {
      String ns = s.getMetadata().getNamespace();
      String name = s.getMetadata().getName();
      if (!ownership.mayDelete(ns, name, s.getMetadata(), s.getType())) {
        continue; // a source, or not a pull Secret, whatever its labels say
      }
      tasks.add(() -> orphan ? orphanCopy(s, uid) : writer.deleteSecret(ns, name));
    }
    for (ServiceAccount sa : serviceAccounts) {
      tasks.add(
          () -> {
            Edit e =
                editServiceAccount(
                    sa,
                    s ->
                        orphan
                            ? ServiceAccountEntries.forget(s, me)
                            : ServiceAccountEntries.withoutPolicy(s, me));
            return e.failure() != null ? e.failure() : Response.ok(e.result());
          });
    }
    for (Response<?> r : writer.inParallel(tasks)) {
      if (!r.succeeded() && !r.is(Response.NOT_FOUND)) {
        throw new CleanupFailed(me, r);
      }
    }
    return tasks.size();
  }

  /**
   * Writes an orphaned copy (owner reference and labels removed): read-modify-write of the Secret
   * as read now (the cache keeps no data, so the cached copy is never written back), again on 409.
   */
  private Response<?> orphanCopy(Secret copy, String policyUid) {
    String ns = copy.getMetadata().getNamespace();
    String name = copy.getMetadata().getName();
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      Response<Secret> read = writer.getSecret(ns, name);
      if (!read.succeeded()) {
        return read;
      }
      Response<Secret> r = writer.updateSecret(Copies.orphaned(read.object(), policyUid));
      if (!r.is(Response.CONFLICT)) {
        return r;
      }
    }
    return new Response<>(Response.CONFLICT, null, "still conflicting after retries");
  }

  private static Outcome failed(String me, String ns, Response<?> r, boolean wrote) {
    if (r.namespaceGone()) {
      return gone(me, ns, wrote);
    }
    LOG.warnf("policy %s: writing namespace %s failed: HTTP %d %s", me, ns, r.code(), r.message());
    return Outcome.failed(ns, r, wrote);
  }

  /**
   * The namespace is being deleted (or is gone) since it was planned: skipped quietly, as one
   * already terminating when planned is; the next reconcile sees it terminating in the cache.
   */
  private static Outcome gone(String me, String ns, boolean wrote) {
    LOG.debugf("policy %s: namespace %s is being deleted; skipped", me, ns);
    return Outcome.none(ns, wrote);
  }

  /** A cleanup request failed; the finalizer stays and the deletion is retried. */
  public static final class CleanupFailed extends RuntimeException {
    CleanupFailed(String policy, Response<?> r) {
      super(
          "policy " + policy + ": cleanup failed: HTTP " + r.code() + " " + r.message(),
          null,
          false,
          false);
    }
  }
}
