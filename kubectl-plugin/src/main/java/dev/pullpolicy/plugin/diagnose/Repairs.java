package dev.pullpolicy.plugin.diagnose;

import dev.pullpolicy.plugin.diagnose.Finding.Controller;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * What {@code doctor --fix} does about Pods that predate their ServiceAccount's imagePullSecrets (a
 * pure function of the findings and the controllers read): such a Pod is healed only by being
 * created again, since the ServiceAccount admission plugin copies the entries into a Pod only at
 * creation. A Pod is deleted only when a controller that makes a new Pod for a deleted one
 * (ReplicaSet, StatefulSet, DaemonSet, Job) owns it and is still at work; any other Pod is left to
 * its owner, with the command that recreates it.
 */
public final class Repairs {
  private Repairs() {}

  /** The controllers that make a new Pod when one of theirs is deleted: kind to API version. */
  public static final Map<String, String> RECREATING =
      Map.of(
          "ReplicaSet", "apps/v1",
          "StatefulSet", "apps/v1",
          "DaemonSet", "apps/v1",
          "Job", "batch/v1");

  /** What is done about one Pod. */
  public enum Action {
    /** Delete it: its controller makes a new one, which gets the ServiceAccount's entries. */
    DELETE,
    /** No controller: whoever made it must make it again ({@link Repair#detail} says how). */
    RECREATE_BY_HAND,
    /** Left as it is: {@link Repair#detail} says why (its controller would not recreate it). */
    LEAVE
  }

  /**
   * One Pod to repair.
   *
   * @param uid the Pod's UID (a delete is made only for this very Pod)
   * @param controller its controller, or null
   * @param detail for RECREATE_BY_HAND the command, for LEAVE the reason, else null
   */
  public record Repair(
      String namespace,
      String pod,
      String uid,
      Action action,
      Controller controller,
      String detail) {}

  /**
   * A controller as read: the object (null when it does not exist) or forbidden.
   *
   * @param object the controller object read by kind and name
   */
  public record OwnerRead(HasMetadata object, boolean forbidden) {}

  /** What a delete did. */
  public enum Outcome {
    DELETED,
    /** {@code --dry-run}: nothing deleted (with the server's dry run, the server allowed it). */
    WOULD_DELETE,
    /** The Pod was already gone, or replaced by another of the same name. */
    GONE,
    FORBIDDEN,
    FAILED
  }

  /**
   * A repair and what came of it.
   *
   * @param outcome for DELETE repairs; null for the others
   * @param error the API server's message when the delete failed, else null
   */
  public record Done(Repair repair, Outcome outcome, String error) {
    /** Whether the Pod's problem is taken care of (deleted; its controller makes a new one). */
    public boolean fixed() {
      return outcome == Outcome.DELETED || outcome == Outcome.GONE;
    }
  }

  /**
   * The repairs for the Pods with a {@link PodPredatesServiceAccount} finding, one per Pod, in the
   * findings' order.
   *
   * @param uids the UID of each Pod by {@code namespace/name}
   * @param owners reads a Pod's controller in its namespace
   */
  public static List<Repair> plan(
      List<Finding> findings,
      Map<String, String> uids,
      BiFunction<String, Controller, OwnerRead> owners) {
    Map<String, Repair> byPod = new LinkedHashMap<>();
    for (Finding f : findings) {
      if (!(f.cause() instanceof PodPredatesServiceAccount p)) {
        continue;
      }
      String key = f.namespace() + "/" + f.pod();
      if (byPod.containsKey(key)) {
        continue;
      }
      byPod.put(
          key,
          repair(
              f.namespace(),
              f.pod(),
              uids.get(key),
              p.controller(),
              c -> owners.apply(f.namespace(), c)));
    }
    return new ArrayList<>(byPod.values());
  }

  static Repair repair(
      String ns, String pod, String uid, Controller c, Function<Controller, OwnerRead> owners) {
    if (c == null) {
      return new Repair(ns, pod, uid, Action.RECREATE_BY_HAND, null, recreateCommand(ns, pod));
    }
    String what = c.kind() + " " + c.name();
    if (!RECREATING.containsKey(c.kind()) || !RECREATING.get(c.kind()).equals(c.apiVersion())) {
      return new Repair(
          ns,
          pod,
          uid,
          Action.LEAVE,
          c,
          "its controller "
              + what
              + " ("
              + c.apiVersion()
              + ") is not one doctor knows to make a new Pod (ReplicaSet,"
              + " StatefulSet, DaemonSet, Job): recreate it through "
              + what);
    }
    OwnerRead read = owners.apply(c);
    if (read.forbidden()) {
      return new Repair(
          ns,
          pod,
          uid,
          Action.LEAVE,
          c,
          what
              + " may not be read with these credentials, so doctor cannot tell that it makes a"
              + " new Pod: not deleted");
    }
    HasMetadata o = read.object();
    if (o == null || (c.uid() != null && !c.uid().equals(o.getMetadata().getUid()))) {
      return new Repair(
          ns, pod, uid, Action.LEAVE, c, what + " no longer exists: nothing would make a new Pod");
    }
    if (o.getMetadata().getDeletionTimestamp() != null) {
      return new Repair(
          ns, pod, uid, Action.LEAVE, c, what + " is being deleted: it makes no new Pod");
    }
    if (o instanceof Job job && finished(job)) {
      return new Repair(ns, pod, uid, Action.LEAVE, c, what + " has finished: it makes no new Pod");
    }
    return new Repair(ns, pod, uid, Action.DELETE, c, null);
  }

  /** The command that recreates a Pod from its own manifest (kubectl drops what the server set). */
  public static String recreateCommand(String ns, String pod) {
    return "kubectl get pod -n " + ns + " " + pod + " -o yaml | kubectl replace --force -f -";
  }

  private static final Set<String> FINISHED = Set.of("Complete", "Failed");

  private static boolean finished(Job job) {
    return job.getStatus() != null
        && job.getStatus().getConditions() != null
        && job.getStatus().getConditions().stream()
            .anyMatch(c -> FINISHED.contains(c.getType()) && "True".equals(c.getStatus()));
  }
}
