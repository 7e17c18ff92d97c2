package dev.pullpolicy.plugin.print;

import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.cluster.PullSecret;
import dev.pullpolicy.plugin.diagnose.Explanation;
import dev.pullpolicy.plugin.image.ImageReference;
import dev.pullpolicy.plugin.image.Keyring;
import java.util.LinkedHashMap;
import java.util.Map;

/** Prints {@code kubectl pullpolicy explain}. */
public final class ExplainPrinter {
  private ExplainPrinter() {}

  public static String print(Explanation e, Format format, Style style) {
    ImageReference img = e.image();
    boolean unparsable =
        e.secrets().stream().anyMatch(s -> s.problem() == PullSecret.Problem.UNPARSABLE);
    if (Structured.isStructured(format)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("image", e.input());
      m.put("name", img.name());
      m.put("registry", img.registry());
      m.put("repository", img.repository());
      m.put("tag", img.tag());
      m.put("digest", img.digest());
      m.put("defaultPullPolicy", img.defaultPullPolicy());
      m.put("namespace", e.namespace());
      m.put("serviceAccount", e.serviceAccount());
      m.put("serviceAccountFound", e.serviceAccountFound());
      m.put(
          "secrets",
          e.secrets().stream()
              .map(
                  s -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("name", s.name());
                    x.put("problem", s.problem() == null ? null : s.problem().name());
                    x.put("detail", s.detail());
                    x.put("registries", s.keys().stream().map(k -> k.original()).toList());
                    return x;
                  })
              .toList());
      m.put(
          "credentials",
          e.matches().stream()
              .map(
                  c -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("secret", c.secret());
                    x.put("key", c.key().original());
                    x.put("dockerHubFallback", c.dockerHubFallback());
                    return x;
                  })
              .toList());
      return Structured.render(m, format);
    }
    StringBuilder out = new StringBuilder();
    out.append("Image:           ").append(e.input()).append('\n');
    out.append("Name:            ").append(img.name()).append('\n');
    out.append("Registry:        ").append(img.registry()).append('\n');
    out.append("Repository:      ").append(img.repository()).append('\n');
    out.append("Tag:             ").append(img.tag() == null ? "-" : img.tag()).append('\n');
    out.append("Digest:          ").append(img.digest() == null ? "-" : img.digest()).append('\n');
    out.append("Pull policy:     ")
        .append(img.defaultPullPolicy())
        .append(" (default: ")
        .append(pullPolicyReason(img))
        .append(")\n");
    out.append("ServiceAccount:  ")
        .append(e.namespace())
        .append('/')
        .append(e.serviceAccount())
        .append(e.serviceAccountFound() ? "" : " (not found)")
        .append('\n');
    out.append('\n');
    if (e.secrets().isEmpty()) {
      out.append(
          "Pull Secrets:    none (a Pod of this ServiceAccount that lists none gets none)\n");
    } else {
      out.append("Pull Secrets:\n");
      Table t = new Table("SECRET", "STATE", "REGISTRIES");
      for (PullSecret s : e.secrets()) {
        String state =
            s.problem() == null ? "ok" : s.problem().name().toLowerCase().replace('_', '-');
        String regs = s.problem() == null ? s.hosts() : s.detail();
        t.row(s.name(), state, regs);
      }
      out.append(indent(t.render(true)));
    }
    out.append('\n');
    if (unparsable) {
      out.append(style.bad("The kubelet would try no credential"))
          .append(": a pull Secret is unparsable, and the kubelet then uses none of them.\n");
    } else if (e.matches().isEmpty()) {
      out.append(style.warn("The kubelet would try no credential"))
          .append(": no key matches ")
          .append(img.name())
          .append(", so it pulls anonymously.\n");
    } else {
      out.append("The kubelet would try, in this order:\n");
      Table t = new Table("#", "SECRET", "KEY", "MATCHED");
      int i = 1;
      for (Keyring.Match c : e.matches()) {
        t.row(
            String.valueOf(i++),
            c.secret(),
            c.key().original(),
            c.dockerHubFallback()
                ? "Docker Hub fallback (index.docker.io)"
                : "host, port and path");
      }
      out.append(indent(t.render(true)));
    }
    return out.toString();
  }

  private static String pullPolicyReason(ImageReference img) {
    if (img.digest() != null && img.tag() == null) {
      return "pinned by digest";
    }
    if (img.tag() == null) {
      return "no tag means :latest";
    }
    if ("latest".equals(img.tag())) {
      return ":latest";
    }
    return "tag " + img.tag() + (img.digest() != null ? ", pinned by digest" : "");
  }

  private static String indent(String text) {
    StringBuilder out = new StringBuilder();
    for (String line : text.split("\n", -1)) {
      if (!line.isEmpty()) {
        out.append("  ").append(line);
      }
      out.append('\n');
    }
    return out.substring(0, out.length() - 1);
  }
}
