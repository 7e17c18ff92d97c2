package dev.pullpolicy.plugin.print;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Doctor.Lacking;
import dev.pullpolicy.plugin.diagnose.Finding;
import dev.pullpolicy.plugin.diagnose.Finding.Cause;
import dev.pullpolicy.plugin.diagnose.Finding.Controller;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialMatches;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialRejected;
import dev.pullpolicy.plugin.diagnose.Finding.ImageError;
import dev.pullpolicy.plugin.diagnose.Finding.ImageNeverPulled;
import dev.pullpolicy.plugin.diagnose.Finding.ImageNotFound;
import dev.pullpolicy.plugin.diagnose.Finding.InvalidImage;
import dev.pullpolicy.plugin.diagnose.Finding.NamespaceOptedOut;
import dev.pullpolicy.plugin.diagnose.Finding.NoMatchingCredential;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Finding.RegistryUnreachable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretMissing;
import dev.pullpolicy.plugin.diagnose.Finding.SecretUnparsable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretWrongType;
import dev.pullpolicy.plugin.diagnose.Finding.SecretsUnreadable;
import dev.pullpolicy.plugin.diagnose.RegistryAnswer;
import dev.pullpolicy.plugin.diagnose.Repairs;
import dev.pullpolicy.plugin.diagnose.Repairs.Done;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints {@code kubectl pullpolicy doctor}: puts each cause and its facts into words. */
public final class DoctorPrinter {
  private DoctorPrinter() {}

  /**
   * What {@code --fix} did.
   *
   * @param done one entry per Pod it considered
   * @param dryRun whether it was a dry run (nothing deleted)
   */
  public record Fixes(List<Done> done, boolean dryRun) {}

  /** Doctor's answer without {@code --fix}. */
  public static String print(
      String scope,
      List<Finding> findings,
      List<Lacking> lacking,
      List<String> notes,
      Format format,
      boolean noHeaders,
      Style style) {
    return print(scope, findings, lacking, notes, null, format, noHeaders, style);
  }

  /**
   * Doctor's answer.
   *
   * @param fixes what {@code --fix} did, or null without {@code --fix}
   */
  public static String print(
      String scope,
      List<Finding> findings,
      List<Lacking> lacking,
      List<String> notes,
      Fixes fixes,
      Format format,
      boolean noHeaders,
      Style style) {
    if (Structured.isStructured(format)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("scope", scope);
      m.put(
          "pods",
          findings.stream()
              .map(
                  f -> {
                    Map<String, Object> p = new LinkedHashMap<>();
                    p.put("namespace", f.namespace());
                    p.put("pod", f.pod());
                    p.put("container", f.container());
                    p.put("image", f.image());
                    p.put("waiting", f.waiting());
                    p.put("message", f.message());
                    p.put("cause", f.cause().kind());
                    p.put("detail", why(f));
                    p.put("fix", fix(f));
                    return p;
                  })
              .toList());
      m.put(
          "serviceAccounts",
          lacking.stream()
              .map(
                  l -> {
                    Map<String, Object> s = new LinkedHashMap<>();
                    s.put("namespace", l.namespace());
                    s.put("serviceAccount", l.serviceAccount());
                    s.put("policy", l.policy());
                    s.put("secret", l.secret());
                    return s;
                  })
              .toList());
      if (fixes != null) {
        m.put("dryRun", fixes.dryRun());
        m.put(
            "fixes",
            fixes.done().stream()
                .map(
                    d -> {
                      Map<String, Object> x = new LinkedHashMap<>();
                      x.put("namespace", d.repair().namespace());
                      x.put("pod", d.repair().pod());
                      x.put("action", d.repair().action().name());
                      x.put(
                          "controller",
                          d.repair().controller() == null
                              ? null
                              : d.repair().controller().kind()
                                  + "/"
                                  + d.repair().controller().name());
                      x.put("outcome", d.outcome() == null ? null : d.outcome().name());
                      x.put("detail", fixLine(d, fixes.dryRun()));
                      return x;
                    })
                .toList());
      }
      m.put("notes", notes);
      return Structured.render(m, format);
    }
    StringBuilder out = new StringBuilder();
    for (Finding f : findings) {
      out.append("Pod ")
          .append(style.bold(f.namespace() + "/" + f.pod()))
          .append(", container ")
          .append(f.container())
          .append(" (")
          .append(f.waiting())
          .append("): ")
          .append(style.bad(f.cause().kind()))
          .append('\n');
      out.append("  image:   ").append(f.image()).append('\n');
      if (f.message() != null && !f.message().isBlank() && !f.message().equals(f.waiting())) {
        out.append("  kubelet: ").append(f.message()).append('\n');
      }
      out.append("  why:     ").append(why(f)).append('\n');
      out.append("  fix:     ").append(fix(f)).append('\n');
      out.append('\n');
    }
    if (!lacking.isEmpty()) {
      out.append("ServiceAccounts without their policy's imagePullSecrets entry:\n");
      Table t = new Table("NAMESPACE", "SERVICEACCOUNT", "POLICY", "SECRET");
      lacking.forEach(l -> t.row(l.namespace(), l.serviceAccount(), l.policy(), l.secret()));
      out.append(t.render(!noHeaders));
      out.append('\n');
    }
    List<Done> shown =
        fixes == null
            ? List.of()
            : fixes.done().stream().filter(d -> errorLine(d) == null).toList(); // errors: stderr
    if (!shown.isEmpty()) {
      out.append(fixes.dryRun() ? "--fix --dry-run (nothing deleted):\n" : "--fix:\n");
      shown.forEach(d -> out.append("  ").append(fixLine(d, fixes.dryRun())).append('\n'));
      out.append('\n');
    }
    for (String note : notes) {
      out.append("Note: ").append(note).append('\n');
    }
    if (findings.isEmpty() && lacking.isEmpty()) {
      out.append(style.good("No problem found"))
          .append(": no Pod in ")
          .append(scope)
          .append(" waits on an image pull, and every selected ServiceAccount has its entry.\n");
    } else {
      out.append(
          plural(findings.size(), "container")
              + " cannot pull, "
              + plural(lacking.size(), "ServiceAccount")
              + " without its entry.\n");
    }
    if (fixes != null && !fixes.done().isEmpty()) {
      long deleted = fixes.done().stream().filter(Done::fixed).count();
      long would =
          fixes.done().stream().filter(d -> d.outcome() == Repairs.Outcome.WOULD_DELETE).count();
      long left = fixes.done().size() - deleted - would;
      out.append(
          fixes.dryRun()
              ? "--dry-run: would delete " + plural((int) would, "Pod") + ", " + left + " left.\n"
              : "Deleted " + plural((int) deleted, "Pod") + ", " + left + " left.\n");
    }
    return out.toString();
  }

  /** One line for a repair that could not be made (stderr), or null. */
  public static String errorLine(Done d) {
    if (d.outcome() != Repairs.Outcome.FORBIDDEN && d.outcome() != Repairs.Outcome.FAILED) {
      return null;
    }
    return "cannot delete Pod "
        + d.repair().namespace()
        + "/"
        + d.repair().pod()
        + ": "
        + d.error();
  }

  /** What {@code --fix} did about one Pod, in one line. */
  public static String fixLine(Done d, boolean dryRun) {
    Repairs.Repair r = d.repair();
    String pod = "Pod " + r.namespace() + "/" + r.pod();
    Controller c = r.controller();
    return switch (r.action()) {
      case RECREATE_BY_HAND ->
          "not deleted: " + pod + " has no controller; recreate it: " + r.detail();
      case LEAVE -> "not deleted: " + pod + ": " + r.detail();
      case DELETE ->
          switch (d.outcome()) {
            case DELETED ->
                "deleted " + pod + "; " + c.kind() + " " + c.name() + " makes a new one";
            case WOULD_DELETE ->
                "would delete " + pod + "; " + c.kind() + " " + c.name() + " would make a new one";
            case GONE -> "already gone: " + pod + (d.error() == null ? "" : " (" + d.error() + ")");
            case FORBIDDEN, FAILED -> errorLine(d);
          };
    };
  }

  /** Why the container cannot start, in one or two sentences. */
  public static String why(Finding f) {
    Cause c = f.cause();
    if (c instanceof PodPredatesServiceAccount p) {
      return "the Pod lists no imagePullSecrets, but its ServiceAccount "
          + p.serviceAccount()
          + " has "
          + String.join(", ", p.serviceAccountSecrets())
          + " now: the Pod was created before the ServiceAccount got them (the ServiceAccount"
          + " admission plugin copies them into a Pod only when it is created)";
    }
    if (c instanceof NoPullSecret n) {
      return "neither the Pod nor its ServiceAccount "
          + n.serviceAccount()
          + (n.serviceAccountExists() ? "" : " (which does not exist)")
          + " lists an imagePullSecret, so no credential from the Pod's Secrets applies to "
          + n.registry()
          + (n.policiesKnown() && n.selectingPolicies().isEmpty()
              ? "; no PullCredentialPolicy selects namespace " + f.namespace()
              : "")
          + "; the node's own credentials or a credential-provider plugin may still apply";
    }
    if (c instanceof NamespaceOptedOut o) {
      return "neither the Pod nor its ServiceAccount "
          + o.serviceAccount()
          + " lists an imagePullSecret: namespace "
          + f.namespace()
          + " opts out (annotation pullpolicy.dev/ignore: \"true\") of PullCredentialPolicy "
          + String.join(", ", o.policies())
          + ", which would select it otherwise; the node's own credentials or a"
          + " credential-provider plugin may still apply to "
          + o.registry();
    }
    if (c instanceof SecretsUnreadable u) {
      return "the Pod uses "
          + String.join(", ", u.secrets())
          + ", but Secrets in namespace "
          + f.namespace()
          + " may not be read with these credentials, so they could not be checked"
          + (u.kubeletError() == null
              ? ""
              : "; the kubelet stopped before any pull with \""
                  + u.kubeletError()
                  + "\", as it does when a pull Secret cannot be parsed");
    }
    if (c instanceof SecretUnparsable u) {
      return "Secret "
          + u.secret()
          + " "
          + u.problem()
          + "; the kubelet cannot build its keyring from the Pod's Secrets"
          + (u.kubeletError() == null ? "" : " (it says: " + u.kubeletError() + ")")
          + ", so it pulls no image of this Pod and asks no registry";
    }
    if (c instanceof CredentialMatches m) {
      return "Secret "
          + m.secret()
          + " has a credential for "
          + m.key()
          + " that matches "
          + m.imageName()
          + tries(m.tries(), m.orderFixed())
          + "; what the registry answered is not known (no message or Event of the kubelet says),"
          + " so the image or tag may be wrong, or the registry may reject the credential";
    }
    if (c instanceof CredentialRejected r) {
      String first =
          "the credential of Secret "
              + r.secret()
              + " for "
              + r.key()
              + tries(r.tries(), r.orderFixed());
      return r.answer().kind() == RegistryAnswer.Kind.ACCESS_DENIED
          ? "registry "
              + r.registry()
              + " refused access with "
              + first
              + ": the credential may not read this repository, or the repository does not exist"
              + " (the registry does not say which)"
          : "registry " + r.registry() + " rejected " + first + " (it was sent and refused)";
    }
    if (c instanceof ImageNotFound n) {
      return "registry "
          + n.registry()
          + " answered that "
          + n.canonical()
          + " does not exist: the repository, tag or digest is wrong"
          + (n.secret() == null
              ? ""
              : " (the kubelet sent the credential of Secret " + n.secret() + ")");
    }
    if (c instanceof RegistryUnreachable u) {
      return unreachable(u) + "; no registry answered, so credentials played no part yet";
    }
    if (c instanceof SecretMissing m) {
      return "Secret " + m.secret() + " does not exist (the Pod names it in imagePullSecrets)";
    }
    if (c instanceof SecretWrongType w) {
      return "Secret " + w.secret() + " " + w.problem() + " (the Pod names it in imagePullSecrets)";
    }
    if (c instanceof NoMatchingCredential n) {
      return "no credential from the Pod's Secrets matches registry "
          + n.registry()
          + " (image "
          + n.imageName()
          + "); they cover "
          + (n.covered().isEmpty() ? "no registry" : String.join(", ", n.covered()))
          + "; the node's own credentials or a credential-provider plugin may still apply";
    }
    if (c instanceof InvalidImage i) {
      return i.problem();
    }
    if (c instanceof ImageNeverPulled n) {
      return "imagePullPolicy is Never, and the kubelet will not use "
          + n.image()
          + (n.node() == null ? "" : " on node " + n.node())
          + ": it is not there, or it is but this Pod's credentials may not use it (the kubelet"
          + " says the same in both cases)";
    }
    if (c instanceof ImageError e) {
      return e.reason().equals(e.message())
          ? "the kubelet's image step failed before any pull: " + e.message()
          : "the kubelet reports " + e.reason() + (e.message() == null ? "" : ": " + e.message());
    }
    throw new IllegalArgumentException("no words for " + c);
  }

  private static String tries(int tries, boolean orderFixed) {
    if (tries <= 1) {
      return "";
    }
    return " (the first of "
        + tries
        + " credentials of the Pod's Secrets the kubelet tries"
        + (orderFixed ? "" : ", in an order that is not fixed")
        + ")";
  }

  private static String unreachable(RegistryUnreachable u) {
    String r = u.registry();
    if (u.answer() == null) {
      return "the container runtime reports registry " + r + " unavailable";
    }
    return switch (u.answer().kind()) {
      case UNREACHABLE_DNS -> "the registry's name does not resolve on the node (" + r + ")";
      case UNREACHABLE_TLS ->
          "TLS with registry "
              + r
              + " failed on the node: its certificate is not trusted there, or is not for that"
              + " name, or it does not speak TLS";
      case UNREACHABLE_TIMEOUT -> "registry " + r + " did not answer the node in time";
      default -> "nothing accepts the node's connections at registry " + r;
    };
  }

  /** What to do about it. */
  public static String fix(Finding f) {
    Cause c = f.cause();
    String ns = f.namespace();
    if (c instanceof PodPredatesServiceAccount p) {
      Controller ctl = p.controller();
      if (ctl == null) {
        return "recreate the Pod (it has no controller): " + Repairs.recreateCommand(ns, f.pod());
      }
      if (!Repairs.RECREATING.containsKey(ctl.kind())) {
        return "recreate the Pod through its " + ctl.kind() + " " + ctl.name();
      }
      return "recreate the Pod: kubectl pullpolicy doctor -n "
          + ns
          + " --fix deletes it and its "
          + ctl.kind()
          + " "
          + ctl.name()
          + " makes a new one (or kubectl delete pod -n "
          + ns
          + " "
          + f.pod()
          + ")";
    }
    if (c instanceof NoPullSecret n) {
      return n.selectingPolicies().isEmpty()
          ? "create a PullCredentialPolicy for namespace "
              + ns
              + " (kubectl pullpolicy create NAME --from-secret NS/SECRET --include "
              + ns
              + "), or add imagePullSecrets to ServiceAccount "
              + n.serviceAccount()
          : "PullCredentialPolicy "
              + String.join(", ", n.selectingPolicies())
              + " selects this namespace but ServiceAccount "
              + n.serviceAccount()
              + " has no entry: check kubectl pullpolicy status "
              + n.selectingPolicies().get(0)
              + " (is "
              + n.serviceAccount()
              + " among its serviceAccounts?), then recreate the Pod";
    }
    if (c instanceof NamespaceOptedOut o) {
      return "if Pods in "
          + ns
          + " should pull from "
          + o.registry()
          + ", remove the opt-out (kubectl annotate namespace "
          + ns
          + " pullpolicy.dev/ignore-) and recreate the Pod once ServiceAccount "
          + o.serviceAccount()
          + " has the entry; otherwise give the Pod an imagePullSecret of its own";
    }
    if (c instanceof SecretsUnreadable) {
      return "run doctor with credentials that may get Secrets in "
          + ns
          + ", or check the Secrets' type and registries yourself";
    }
    if (c instanceof SecretUnparsable u) {
      return "fix or replace Secret "
          + u.secret()
          + " (its source, if pullpolicy copies it); the kubelet reads it again at its next try";
    }
    if (c instanceof CredentialMatches m) {
      return "check that "
          + m.canonical()
          + " exists, and that the credential in "
          + m.secret()
          + " is valid (kubectl describe pod -n "
          + ns
          + " "
          + f.pod()
          + " shows the registry's answer)";
    }
    if (c instanceof CredentialRejected r) {
      return r.answer().kind() == RegistryAnswer.Kind.ACCESS_DENIED
          ? "check that "
              + f.image()
              + " exists and that the account of Secret "
              + r.secret()
              + " may pull it"
          : "put a valid credential for "
              + r.registry()
              + " into Secret "
              + r.secret()
              + " (or into its policy's source: kubectl pullpolicy status shows which); the kubelet"
              + " reads it again at its next try";
    }
    if (c instanceof ImageNotFound n) {
      return "fix the image's name or tag in the Pod's spec (or its owner's template), or push "
          + n.canonical();
    }
    if (c instanceof RegistryUnreachable u) {
      String r = u.registry();
      if (u.answer() == null) {
        return "check that registry " + r + " runs and that the node reaches it";
      }
      return switch (u.answer().kind()) {
        case UNREACHABLE_DNS ->
            "check the registry's name in the image (a typo?) and the node's DNS";
        case UNREACHABLE_TLS ->
            "give the node's container runtime the CA of registry "
                + r
                + " (containerd: certs.d/"
                + r
                + "/hosts.toml), or name the registry as its certificate does";
        case UNREACHABLE_TIMEOUT ->
            "check the node's network path to " + r + " (proxy, firewall) and the registry's load";
        default ->
            "check the registry's host and port in the image, and that the registry runs and"
                + " the node may reach it";
      };
    }
    if (c instanceof SecretMissing m) {
      return "create Secret " + m.secret() + " in " + ns + policyHint(m.policy());
    }
    if (c instanceof SecretWrongType w) {
      return "replace Secret "
          + w.secret()
          + " with one of type kubernetes.io/dockerconfigjson"
          + policyHint(w.policy());
    }
    if (c instanceof NoMatchingCredential n) {
      return "add a credential for "
          + n.registry()
          + " to a source Secret, or fix the image's registry";
    }
    if (c instanceof InvalidImage) {
      return "fix the image reference in the Pod's spec (or its owner's template)";
    }
    if (c instanceof ImageNeverPulled) {
      return "set imagePullPolicy to IfNotPresent (or Always), or put the image on the node";
    }
    if (c instanceof ImageError) {
      return "read the kubelet's log on the Pod's node (kubectl describe pod -n "
          + ns
          + " "
          + f.pod()
          + " shows its Events)";
    }
    throw new IllegalArgumentException("no words for " + c);
  }

  private static String policyHint(String policy) {
    return policy == null
        ? ""
        : "; PullCredentialPolicy "
            + policy
            + " should make it: see kubectl pullpolicy status "
            + policy;
  }

  private static String plural(int n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }
}
