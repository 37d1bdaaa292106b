"""A CustomResourceDefinition becomes a served resource: kubectl can create, list and explain its objects."""

from __future__ import annotations

import json

from tests.kubesim.conftest import Cluster

CRD = """\
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: lessons.kuar.example.com
spec:
  group: kuar.example.com
  scope: Namespaced
  names: {plural: lessons, singular: lesson, kind: Lesson, shortNames: [ls]}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                chapter: {type: integer, minimum: 1, maximum: 23, description: The book chapter this lesson follows.}
                title: {type: string}
              required: [title]
"""
LESSON = """\
apiVersion: kuar.example.com/v1
kind: Lesson
metadata: {name: pods}
spec: {chapter: 5, title: Pods}
"""


def test_a_crd_is_established_and_its_resource_served(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=CRD)
    crd = json.loads(cluster.kubectl("get", "crd", "lessons.kuar.example.com", "-o", "json").stdout)
    conditions = {c["type"]: c["status"] for c in crd["status"]["conditions"]}
    assert conditions == {"NamesAccepted": "True", "Established": "True"}
    assert "lesson.kuar.example.com/pods created" in cluster.kubectl("apply", "-f", "-", stdin=LESSON).stdout
    assert "pods" in cluster.kubectl("get", "ls").stdout
    assert "The book chapter this lesson follows." in cluster.kubectl("explain", "lesson.spec.chapter").stdout
    cluster.kubectl("delete", "crd", "lessons.kuar.example.com")
    assert cluster.kubectl("get", "lessons", check=False).returncode == 1


def test_custom_resources_are_checked_against_their_schema(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=CRD)
    wrong = LESSON.replace("name: pods", "name: wrong").replace("chapter: 5", 'chapter: "five"')
    result = cluster.kubectl("apply", "-f", "-", stdin=wrong, check=False)
    assert result.returncode == 1
    assert 'The Lesson "wrong" is invalid' in result.stderr
    assert "spec.chapter in body must be of type integer" in result.stderr
    late = cluster.kubectl("apply", "-f", "-", stdin=LESSON.replace("chapter: 5", "chapter: 40"), check=False)
    assert "spec.chapter in body should be less than or equal to 23" in late.stderr
    untitled = cluster.kubectl("apply", "-f", "-", stdin=LESSON.replace(", title: Pods", ""), check=False)
    assert "spec.title: Required value" in untitled.stderr
    cluster.kubectl("delete", "crd", "lessons.kuar.example.com")


def test_kubectl_get_shows_the_printer_columns_of_the_crd(cluster: Cluster) -> None:
    columns = """\
      additionalPrinterColumns:
        - {name: Chapter, type: integer, jsonPath: .spec.chapter}
        - {name: Title, type: string, jsonPath: .spec.title}
"""
    cluster.kubectl("apply", "-f", "-", stdin=CRD.replace("      schema:\n", columns + "      schema:\n"))
    cluster.kubectl("apply", "-f", "-", stdin=LESSON)
    header, row = cluster.kubectl("get", "lessons").stdout.splitlines()
    assert header.split() == ["NAME", "CHAPTER", "TITLE"]
    assert row.split() == ["pods", "5", "Pods"]
    cluster.kubectl("apply", "-f", "-", stdin=CRD)  # no columns: the API server's default, AGE
    assert cluster.kubectl("get", "lessons").stdout.split()[:2] == ["NAME", "AGE"]
    cluster.kubectl("delete", "crd", "lessons.kuar.example.com")


def test_a_patch_with_an_unknown_field_is_warned_about_and_pruned(cluster: Cluster) -> None:
    cluster.kubectl("apply", "-f", "-", stdin=CRD)
    cluster.kubectl("apply", "-f", "-", stdin=LESSON)
    patched = cluster.kubectl("patch", "lesson", "pods", "--type=merge", "-p", '{"spec":{"colour":"blue","chapter":6}}')
    assert 'unknown field "spec.colour"' in patched.stderr
    spec = json.loads(cluster.kubectl("get", "lesson", "pods", "-o", "json").stdout)["spec"]
    assert spec == {"chapter": 6, "title": "Pods"}
    cluster.kubectl("delete", "crd", "lessons.kuar.example.com")
