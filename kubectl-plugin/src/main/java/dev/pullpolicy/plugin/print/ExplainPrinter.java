package dev.pullpolicy.plugin.print;

import dev.pullpolicy.api.kubelet.ImageReference;
import dev.pullpolicy.api.kubelet.Keyring;
import dev.pullpolicy.api.kubelet.PullSecret;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.Style;
import dev.pullpolicy.plugin.diagnose.Explanation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints {@code kubectl pullpolicy explain}. */
public final class ExplainPrinter {
  private ExplainPrinter() {}

  public static String print(Explanation e, Format format, Style style) {
    ImageReference img = e.image();
    if (Structured.isStructured(format)) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("image", e.input());
      m.put("name", img.name());
      m.put("registry", img.registry());
      m.put("repository", img.repository());
      m.put("tag", img.tag());
      m.put("digest", img.digest());
      m.put("pull", img.pull());
      m.put("defaultPullPolicy", img.defaultPullPolicy());
      if (e.file() != null) {
        m.put("dockerConfig", e.file());
      } else {
        m.put("namespace", e.namespace());
        m.put("serviceAccount", e.serviceAccount());
        m.put("serviceAccountFound", e.serviceAccountFound());
      }
      m.put(
          "secrets",
          e.secrets().stream()
              .map(
                  s -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("name", s.name());
                    x.put("state", s.state().name().toLowerCase());
                    x.put("problem", s.used() ? null : s.problem().name());
                    x.put("detail", s.reason());
                    x.put(
                        "registries",
                        s.usableEntries().stream().map(r -> r.key().display()).toList());
                    x.put(
                        "ignoredRegistries",
                        s.ignoredEntries().stream().map(r -> r.key().display()).toList());
                    return x;
                  })
              .toList());
      m.put("keyringFails", e.refused().isPresent());
      m.put(
          "credentials",
          e.lookup().tries().stream()
              .map(
                  c -> {
                    Map<String, Object> x = new LinkedHashMap<>();
                    x.put("secret", c.secret());
                    x.put("key", c.key().display());
                    x.put("dockerHubFallback", c.dockerHubFallback());
                    x.put("group", c.group());
                    return x;
                  })
              .toList());
      m.put("orderFixed", e.lookup().orderFixed());
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
    if (e.file() != null) {
      out.append("Docker config:   ").append(e.file()).append('\n');
    } else {
      out.append("ServiceAccount:  ")
          .append(e.namespace())
          .append('/')
          .append(e.serviceAccount())
          .append(e.serviceAccountFound() ? "" : " (not found)")
          .append('\n');
    }
    out.append('\n');
    String from = e.file() != null ? "the file" : "the Pod's Secrets";
    if (e.secrets().isEmpty()) {
      out.append(
          "Pull Secrets:    none (a Pod of this ServiceAccount that lists none gets none)\n");
    } else {
      out.append("Pull Secrets:\n");
      Table t = new Table("SECRET", "STATE", "REGISTRIES");
      List<String> notes = new ArrayList<>();
      for (PullSecret s : e.secrets()) {
        String regs = s.used() ? s.registries() : s.reason();
        if (!s.ignoredEntries().isEmpty()) {
          regs +=
              "; ignores "
                  + String.join(
                      ", ", s.ignoredEntries().stream().map(r -> r.key().display()).toList())
                  + " (not a URL the kubelet can parse)";
        }
        t.row(s.name(), state(s), regs);
        if (s.layoutMismatch()) {
          notes.add(
              "Secret "
                  + s.name()
                  + (s.layout() == PullSecret.Layout.CONFIG_JSON
                      ? " is of type kubernetes.io/dockercfg but holds {\"auths\": …}: the kubelet"
                          + " reads \"auths\" as a registry name"
                      : " is of type kubernetes.io/dockerconfigjson but holds registries at the top"
                          + " level: the kubelet reads registries only under \"auths\""));
        }
      }
      out.append(indent(t.render(true)));
      notes.forEach(n -> out.append("  note: ").append(n).append('\n'));
    }
    out.append('\n');
    if (e.refused().isPresent()) {
      PullSecret r = e.refused().get();
      out.append(style.bad("The kubelet would try no credential"))
          .append(": Secret ")
          .append(r.name())
          .append(" makes its keyring fail (")
          .append(r.reason())
          .append("), so every pull fails before any registry is asked, not even anonymously.\n");
      if (e.file() != null) {
        out.append(
            "As a node's own config.json, a file the kubelet cannot read is ignored instead.\n");
      }
    } else if (e.lookup().tries().isEmpty()) {
      out.append(style.warn("No credential from " + from + " matches"))
          .append(' ')
          .append(img.name())
          .append(
              "; the node's own credentials or a credential-provider plugin may still apply.\n");
    } else {
      out.append("The kubelet would try, in this order:\n");
      Table t = new Table("#", "SECRET", "KEY", "MATCHED");
      int i = 1;
      for (Keyring.Try c : e.lookup().tries()) {
        t.row(
            String.valueOf(i++),
            c.secret(),
            c.key().display(),
            c.dockerHubFallback()
                ? "Docker Hub fallback (index.docker.io)"
                : "host, port and path");
      }
      out.append(indent(t.render(true)));
      if (!e.lookup().orderFixed()) {
        out.append(style.warn("The order of tries " + unfixed(e.lookup()) + " is not fixed"))
            .append(
                ": one Secret names that registry several ways, and the kubelet reads them in"
                    + " random map order.\n");
      }
      out.append(
          "After these, the node's own credentials and credential-provider plugins, if any.\n");
    }
    return out.toString();
  }

  private static String state(PullSecret s) {
    return switch (s.state()) {
      case USED -> "used";
      case SKIPPED -> s.problem() == PullSecret.Problem.NOT_FOUND ? "missing" : "skipped";
      case REFUSED -> "refused";
      case UNKNOWN -> "unreadable";
    };
  }

  /** The positions (1-based) of tries whose order varies, e.g. "1-2 and 4-6". */
  private static String unfixed(Keyring.Lookup lookup) {
    List<String> ranges = new ArrayList<>();
    int position = 1;
    for (List<Keyring.Try> group : lookup.groups()) {
      if (group.size() > 1) {
        ranges.add(position + "-" + (position + group.size() - 1));
      }
      position += group.size();
    }
    return String.join(" and ", ranges);
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
