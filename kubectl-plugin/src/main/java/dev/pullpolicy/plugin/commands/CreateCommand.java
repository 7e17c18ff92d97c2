package dev.pullpolicy.plugin.commands;

import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.OnConflict;
import dev.pullpolicy.api.v1alpha1.OnDelete;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicySpec;
import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import dev.pullpolicy.api.v1alpha1.Target;
import dev.pullpolicy.plugin.cli.ClusterOptions;
import dev.pullpolicy.plugin.cli.ExitCode;
import dev.pullpolicy.plugin.cli.OutputOptions.Format;
import dev.pullpolicy.plugin.cli.PluginException;
import dev.pullpolicy.plugin.cluster.ClusterReader;
import dev.pullpolicy.plugin.print.Structured;
import dev.pullpolicy.plugin.transport.Json;
import dev.pullpolicy.plugin.transport.KubeApi;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubectl pullpolicy create NAME --from-secret NS/NAME}: makes a policy. */
@Command(
    name = "create",
    mixinStandardHelpOptions = true,
    description = {
      "Create a PullCredentialPolicy that copies the given pull Secret(s) into the selected"
          + " namespaces, the way kubectl create makes objects.",
      "With --dry-run=client it only prints the object and needs no cluster."
    })
public class CreateCommand implements Callable<Integer> {

  private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  @Mixin ClusterOptions cluster;

  @Spec CommandSpec spec;

  // Policies are cluster-scoped: kubectl create accepts and ignores -n for such objects.
  @Option(
      names = {"-n", "--namespace"},
      hidden = true)
  String namespace;

  @Parameters(index = "0", paramLabel = "NAME", description = "The policy's name.")
  String name;

  @Option(
      names = "--from-secret",
      required = true,
      paramLabel = "NS/NAME",
      description = "A source pull Secret; repeat for several (the first wins per registry).")
  List<String> fromSecrets = new ArrayList<>();

  @Option(
      names = "--include",
      split = ",",
      paramLabel = "GLOB",
      description = "Namespace name globs that get the copy (default: all).")
  List<String> include;

  @Option(
      names = "--exclude",
      split = ",",
      paramLabel = "GLOB",
      description =
          "Namespace name globs that never get it (default: kube-system, kube-public,"
              + " kube-node-lease).")
  List<String> exclude;

  @Option(
      names = "--secret-name",
      paramLabel = "NAME",
      description = "Name of the copy in each namespace (default: the policy's name).")
  String secretName;

  @Option(
      names = "--service-accounts",
      split = ",",
      paramLabel = "NAME",
      description =
          "ServiceAccounts that get the imagePullSecrets entry; * for all (default:" + " default).")
  List<String> serviceAccounts;

  @Option(
      names = "--on-conflict",
      paramLabel = "Skip|Adopt",
      description =
          "What to do with an existing Secret of the target name: ${COMPLETION-CANDIDATES}.")
  OnConflict onConflict;

  @Option(
      names = "--on-delete",
      paramLabel = "Delete|Orphan",
      description =
          "What happens to the copies when the policy is deleted: ${COMPLETION-CANDIDATES}.")
  OnDelete onDelete;

  @Option(
      names = "--dry-run",
      paramLabel = "none|client|server",
      arity = "0..1",
      fallbackValue = "client",
      defaultValue = "none",
      description =
          "client: only print the object; server: let the API server validate it"
              + " without storing it.")
  String dryRun;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      description = "Print the object as yaml or json, or name.")
  String outputFormat;

  @Override
  public Integer call() {
    if (!List.of("none", "client", "server").contains(dryRun)) {
      throw PluginException.usage(
          "invalid --dry-run \"" + dryRun + "\": use none, client or server");
    }
    if (outputFormat != null && !List.of("yaml", "json", "name").contains(outputFormat)) {
      throw PluginException.usage(
          "invalid --output \"" + outputFormat + "\" for create: use yaml, json or name");
    }
    PullCredentialPolicy policy = build();
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun.equals("client")) {
      out.print(render(policy, " (dry run)"));
      out.flush();
      return ExitCode.OK;
    }
    KubeApi.Response r =
        cluster
            .api()
            .send(
                "POST",
                ClusterReader.POLICIES + (dryRun.equals("server") ? "?dryRun=All" : ""),
                "application/json",
                "application/json",
                Json.writeObject(policy));
    if (r.code() == 409) {
      throw new PluginException(
          "pullcredentialpolicies.pullpolicy.dev \"" + name + "\" already exists");
    }
    if (r.code() == 404) {
      throw new PluginException(
          "the server does not know PullCredentialPolicy (is the pullpolicy CRD installed?)");
    }
    if (!r.ok()) {
      throw KubeApi.failure(r);
    }
    PullCredentialPolicy created = Json.read(r.body(), PullCredentialPolicy.class);
    out.print(render(created, dryRun.equals("server") ? " (server dry run)" : ""));
    out.flush();
    return ExitCode.OK;
  }

  private String render(PullCredentialPolicy policy, String note) {
    if (outputFormat == null || outputFormat.equals("name")) {
      String line = "pullcredentialpolicy.pullpolicy.dev/" + policy.getMetadata().getName();
      return outputFormat == null ? line + " created" + note + "\n" : line + "\n";
    }
    policy.setStatus(null);
    return Structured.render(policy, outputFormat.equals("yaml") ? Format.YAML : Format.JSON);
  }

  /** The policy from the flags; validates what the API server would reject. */
  PullCredentialPolicy build() {
    if (!DNS_SUBDOMAIN.matcher(name).matches() || name.length() > 253) {
      throw PluginException.usage(
          "invalid policy name \"" + name + "\": must be a lowercase DNS subdomain");
    }
    PullCredentialPolicySpec s = new PullCredentialPolicySpec();
    List<SecretReference> sources = new ArrayList<>();
    for (String ref : fromSecrets) {
      String[] parts = ref.split("/", -1);
      if (parts.length != 2
          || !DNS_LABEL.matcher(parts[0]).matches()
          || !DNS_SUBDOMAIN.matcher(parts[1]).matches()) {
        throw PluginException.usage(
            "invalid --from-secret \"" + ref + "\": use NAMESPACE/NAME of a pull Secret");
      }
      SecretReference r = new SecretReference(parts[0], parts[1]);
      if (sources.stream()
          .anyMatch(
              x -> x.getNamespace().equals(r.getNamespace()) && x.getName().equals(r.getName()))) {
        throw PluginException.usage("--from-secret " + ref + " is given twice");
      }
      sources.add(r);
    }
    s.setSources(sources);
    if (secretName != null) {
      Target t = new Target();
      t.setSecretName(secretName);
      s.setTarget(t);
    }
    if (include != null || exclude != null) {
      NamespaceSelection ns = new NamespaceSelection();
      ns.setInclude(include);
      ns.setExclude(exclude);
      s.setNamespaces(ns);
    }
    if (serviceAccounts != null) {
      ServiceAccountSelection sa = new ServiceAccountSelection();
      sa.setNames(serviceAccounts);
      s.setServiceAccounts(sa);
    }
    if (onConflict != null) {
      s.setOnConflict(onConflict);
    }
    if (onDelete != null) {
      s.setOnDelete(onDelete);
    }
    PullCredentialPolicy p = new PullCredentialPolicy();
    p.setMetadata(new ObjectMetaBuilder().withName(name).build());
    p.setSpec(s);
    p.setStatus(null);
    return p;
  }
}
