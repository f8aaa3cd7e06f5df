#!/usr/bin/env python3
"""Writes the multi-file spec `e2e/specs/tree.yaml` and its tree of parts under `tree/`.

The shape is that of large public specs split over thousands of files: every path item,
request body, response, parameter and schema in a file of its own; refs across folders,
to a file's root, back into the root document's `components`, and fragments that are
themselves `$ref`s; shared files reached by many routes. `make.py N DIR` writes N
resources (the committed tree has 50, about 300 files) under DIR, for load-time figures.
"""

import os
import sys

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50
ROOT = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def write(path, text):
    path = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as file:
        file.write(text)


paths = "".join(
    f"  /r{n}:\n    $ref: tree/paths/r{n}.yaml\n  /r{n}/{{id}}:\n    $ref: tree/paths/r{n}-item.yaml\n" for n in range(N)
)
write("tree.yaml", f"""openapi: 3.0.3
info:
  title: Tree
  version: "1"
  description: A spec split over {5 * N + 10} files, as large public specs are.
paths:
{paths}components:
  parameters:
    Limit:
      name: limit
      in: query
      schema: {{type: integer, minimum: 1}}
  schemas:
    Error:
      type: object
      required: [code]
      properties:
        code: {{type: string}}
        contact: {{$ref: "#/components/schemas/Contact"}}
    Contact:
      type: object
      properties:
        email: {{type: string}}
    Page:
      $ref: tree/schemas/common/page.yaml
  securitySchemes:
    bearer: {{type: http, scheme: bearer}}
security:
  - bearer: []
""")

write("tree/parameters/id.yaml", "name: id\nin: path\nrequired: true\nschema: {type: string}\n")
write("tree/parameters/cursor.yaml", "name: cursor\nin: query\nschema:\n  $ref: ../schemas/common/cursor.yaml\n")
write("tree/responses/error.yaml", """description: An error
headers:
  X-Rate-Limit:
    $ref: ../headers/rate-limit.yaml
content:
  application/json:
    schema:
      $ref: "../../tree.yaml#/components/schemas/Error"
    examples:
      missing:
        $ref: ../examples/error.yaml
""")
write("tree/headers/rate-limit.yaml", "description: Requests left in this window.\nschema: {type: integer}\n")
write("tree/examples/error.yaml", "summary: A missing resource\nvalue: {code: not_found}\n")
write("tree/schemas/common/page.yaml", """type: object
required: [total]
properties:
  total: {type: integer}
  next:
    $ref: cursor.yaml
""")
write("tree/schemas/common/cursor.yaml", "type: string\ndescription: An opaque cursor.\n")
write("tree/schemas/common/owner.yaml", """type: object
properties:
  name: {type: string}
  contact:
    $ref: "../../../tree.yaml#/components/schemas/Contact"
""")
aliases = "".join(f"R{n}Alias:\n  $ref: resources/r{n}.yaml\n" for n in range(N))
write("tree/schemas/aliases.yaml", aliases)

for n in range(N):
    related = f"  related:\n    $ref: r{(n + 1) % N}.yaml\n" if n % 5 == 0 else ""
    write(f"tree/schemas/resources/r{n}.yaml", f"""type: object
description: Resource {n}.
required: [id]
properties:
  id: {{type: string}}
  size: {{type: integer, format: int32}}
  owner:
    $ref: ../common/owner.yaml
  page:
    $ref: "../../../tree.yaml#/components/schemas/Page"
{related}""")
    write(f"tree/bodies/r{n}.yaml", f"""required: true
content:
  application/json:
    schema:
      $ref: ../schemas/resources/r{n}.yaml
""")
    write(f"tree/responses/r{n}.yaml", f"""description: Resource {n}
content:
  application/json:
    schema:
      $ref: "../schemas/aliases.yaml#/R{n}Alias"
""")
    write(f"tree/paths/r{n}.yaml", f"""get:
  operationId: listR{n}
  parameters:
    - $ref: "../../tree.yaml#/components/parameters/Limit"
    - $ref: ../parameters/cursor.yaml
  responses:
    "200":
      description: A page of resource {n}
      content:
        application/json:
          schema:
            type: object
            properties:
              items:
                type: array
                items:
                  $ref: ../schemas/resources/r{n}.yaml
              page:
                $ref: "../../tree.yaml#/components/schemas/Page"
    default:
      $ref: ../responses/error.yaml
post:
  operationId: createR{n}
  requestBody:
    $ref: ../bodies/r{n}.yaml
  responses:
    "201":
      $ref: ../responses/r{n}.yaml
    default:
      $ref: ../responses/error.yaml
""")
    write(f"tree/paths/r{n}-item.yaml", f"""parameters:
  - $ref: ../parameters/id.yaml
get:
  operationId: getR{n}
  responses:
    "200":
      $ref: ../responses/r{n}.yaml
    default:
      $ref: ../responses/error.yaml
""")
