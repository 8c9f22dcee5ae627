{{/* The chart's objects are named like the Kustomize base's (alerthub, alerthub-config,
alerthub-routes) when the release is called alerthub, so docs/operations.md applies to both. */}}
{{- define "alerthub.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "alerthub.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "alerthub.labels" -}}
{{ include "alerthub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* The routes ConfigMap's data: every shipped routes/ file by file name (the kubelet mounts keys
flat), minus routes.exclude, plus routes.files. Two shipped files with one name would overwrite
each other, so that fails the render. */}}
{{- define "alerthub.routes" -}}
{{- $data := dict -}}
{{- range $path, $_ := .Files.Glob "files/routes/**.camel.yaml" -}}
{{- $name := base $path -}}
{{- if hasKey $data $name -}}
{{- fail (printf "two route files are named %s: ConfigMap keys are file names, rename one" $name) -}}
{{- end -}}
{{- $_ := set $data $name ($.Files.Get $path) -}}
{{- end -}}
{{- if not $data -}}
{{- fail "no files/routes/**/*.camel.yaml in the chart: files/routes must be the project's routes/ (a link in git; helm package stores the files)" -}}
{{- end -}}
{{- range .Values.routes.exclude -}}
{{- if not (hasKey $data .) -}}
{{- fail (printf "routes.exclude: %s is not a shipped route file" .) -}}
{{- end -}}
{{- $_ := unset $data . -}}
{{- end -}}
{{- range $name, $content := .Values.routes.files -}}
{{- if not (hasSuffix ".camel.yaml" $name) -}}
{{- fail (printf "routes.files: %s must end in .camel.yaml (the hub loads only those)" $name) -}}
{{- end -}}
{{- $_ := set $data $name $content -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{/* config/application.properties as shipped, then config.properties (a later line wins). */}}
{{- define "alerthub.config" -}}
{{- $file := .Files.Get "files/config/application.properties" -}}
{{- if not $file -}}
{{- fail "files/config/application.properties is missing: files/config must be the project's config/" -}}
{{- end -}}
{{- $props := $file -}}
{{- if .Values.config.properties -}}
{{- $props = printf "%s\n# from the Helm values (config.properties)\n" $file -}}
{{- range $k, $v := .Values.config.properties -}}
{{- $props = printf "%s%s=%v\n" $props $k $v -}}
{{- end -}}
{{- end -}}
{{- $data := dict "application.properties" $props -}}
{{- /* the YAML files beside it: time-intervals.yaml, inhibit-rules.yaml */ -}}
{{- range $path, $_ := .Files.Glob "files/config/*.yaml" -}}
{{- $_ := set $data (base $path) ($.Files.Get $path) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}

{{- /* config/templates/*.mustache: the message templates (docs/lifecycle.md#templates) */ -}}
{{- define "alerthub.templates" -}}
{{- $data := dict -}}
{{- range $path, $_ := .Files.Glob "files/config/templates/*.mustache" -}}
{{- $_ := set $data (base $path) ($.Files.Get $path) -}}
{{- end -}}
{{- toYaml $data -}}
{{- end -}}
