package dev.pullpolicy.plugin.print;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Doctor.Lacking;
import dev.pullpolicy.plugin.diagnose.Finding;
import dev.pullpolicy.plugin.diagnose.Finding.Cause;
import dev.pullpolicy.plugin.diagnose.Finding.CredentialMatches;
import dev.pullpolicy.plugin.diagnose.Finding.InvalidImage;
import dev.pullpolicy.plugin.diagnose.Finding.NoMatchingCredential;
import dev.pullpolicy.plugin.diagnose.Finding.NoPullSecret;
import dev.pullpolicy.plugin.diagnose.Finding.PodPredatesServiceAccount;
import dev.pullpolicy.plugin.diagnose.Finding.SecretMissing;
import dev.pullpolicy.plugin.diagnose.Finding.SecretUnparsable;
import dev.pullpolicy.plugin.diagnose.Finding.SecretWrongType;
import dev.pullpolicy.plugin.diagnose.Finding.SecretsUnreadable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints {@code kubectl pullpolicy doctor}: puts each cause and its facts into words. */
public final class DoctorPrinter {
  private DoctorPrinter() {}

  public static String print(
      String scope,
      List<Finding> findings,
      List<Lacking> lacking,
      List<String> notes,
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
      out.append("  image: ").append(f.image()).append('\n');
      out.append("  why:   ").append(why(f)).append('\n');
      out.append("  fix:   ").append(fix(f)).append('\n');
      out.append('\n');
    }
    if (!lacking.isEmpty()) {
      out.append("ServiceAccounts without their policy's imagePullSecrets entry:\n");
      Table t = new Table("NAMESPACE", "SERVICEACCOUNT", "POLICY", "SECRET");
      lacking.forEach(l -> t.row(l.namespace(), l.serviceAccount(), l.policy(), l.secret()));
      out.append(t.render(!noHeaders));
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
    return out.toString();
  }

  /** Why the container cannot pull, in one or two sentences. */
  public static String why(Finding f) {
    Cause c = f.cause();
    if (c instanceof PodPredatesServiceAccount p) {
      return "the Pod lists no imagePullSecrets, but its ServiceAccount "
          + p.serviceAccount()
          + " has "
          + String.join(", ", p.serviceAccountSecrets())
          + " now: the Pod was created before the ServiceAccount got them (they are copied"
          + " into a Pod only when it is created)";
    }
    if (c instanceof NoPullSecret n) {
      return "neither the Pod nor its ServiceAccount "
          + n.serviceAccount()
          + (n.serviceAccountExists() ? "" : " (which does not exist)")
          + " lists an imagePullSecret, so no credential from the Pod's Secrets applies to "
          + n.registry()
          + "; the node's own credentials or a credential-provider plugin may still apply";
    }
    if (c instanceof SecretsUnreadable u) {
      return "the Pod uses "
          + String.join(", ", u.secrets())
          + ", but Secrets in namespace "
          + f.namespace()
          + " may not be read with these credentials, so they could not be checked";
    }
    if (c instanceof SecretUnparsable u) {
      return "Secret "
          + u.secret()
          + " "
          + u.problem()
          + "; the kubelet's keyring then fails and no image of this Pod is pulled, not even"
          + " anonymously";
    }
    if (c instanceof CredentialMatches m) {
      return "Secret "
          + m.secret()
          + " has a credential for "
          + m.key()
          + " that matches "
          + m.imageName()
          + ", so the image or tag is likely wrong, or the registry rejects the credential";
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
    throw new IllegalArgumentException("no words for " + c);
  }

  /** What to do about it. */
  public static String fix(Finding f) {
    Cause c = f.cause();
    String ns = f.namespace();
    if (c instanceof PodPredatesServiceAccount) {
      return "recreate the Pod (kubectl delete pod -n "
          + ns
          + " "
          + f.pod()
          + ", or kubectl rollout restart its workload)";
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
    if (c instanceof SecretsUnreadable) {
      return "run doctor with credentials that may get Secrets in "
          + ns
          + ", or check the Secrets' type and registries yourself";
    }
    if (c instanceof SecretUnparsable u) {
      return "fix or replace Secret " + u.secret() + " (its source, if pullpolicy copies it)";
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
