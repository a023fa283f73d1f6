package api

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
)

// JSON Schemas of features (OGC API Features Part 5 style, JSON Schema
// 2020-12) and the queryables of Part 3, both generated from the one field
// table of each collection (geo.Schemas). GDAL and QGIS read the schema
// behind a collection's describedby link to learn every field before the
// first page (issue 11 case 1: no zone of the first page has revenue).

// jsonSchemaDialect is the JSON Schema version of every schema served.
const jsonSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// relQueryables is the link relation of a collection's queryables.
const relQueryables = "http://www.opengis.net/def/rel/ogc/1.0/queryables"

// fieldSchema is the JSON Schema of one field: type, title "中文 / English",
// description, enum, items and, for numbers with a unit, x-ogc-unit.
func fieldSchema(f geo.Field) obj {
	s := obj{"type": string(f.Type), "title": f.TitleZH + " / " + f.TitleEN}
	if f.Description != "" {
		s["description"] = f.Description
	}
	if f.Unit != "" {
		s["x-ogc-unit"] = f.Unit
	}
	if len(f.Enum) > 0 {
		s["enum"] = f.Enum
	}
	if f.Pattern != "" {
		s["pattern"] = f.Pattern
	}
	if f.Type == geo.TypeArray {
		item := obj{"type": string(f.Items)}
		if f.Items == geo.TypeObject {
			props := orderedObj{}
			for _, m := range f.Members {
				props = append(props, member{m.Name, fieldSchema(m)})
			}
			item["properties"] = props
		}
		s["items"] = item
	}
	return s
}

// featureSchema is the JSON Schema of a GeoJSON feature of cs: type
// "Feature", a string id, a geometry of one of cs.GeometryTypes and the properties
// of the field table. Properties may be absent (unknown is left out, never
// null) and no others occur.
func featureSchema(cs geo.CollectionSchema, id string) obj {
	props := orderedObj{}
	for _, f := range cs.Fields {
		props = append(props, member{f.Name, fieldSchema(f)})
	}
	return obj{
		"$schema":     jsonSchemaDialect,
		"$id":         id,
		"title":       cs.TitleZH + " / " + cs.TitleEN,
		"description": "A feature of the collection " + cs.ID + " as GeoJSON (RFC 7946), WGS84 longitude/latitude.",
		"type":        "object",
		"required":    []string{"type", "geometry", "properties"},
		"properties": obj{
			"type": obj{"type": "string", "enum": []string{"Feature"}},
			"id":   obj{"type": "string"},
			"geometry": obj{
				"type": "object", "x-ogc-role": "primary-geometry",
				"required":   []string{"type", "coordinates"},
				"properties": obj{"type": obj{"type": "string", "enum": cs.GeometryTypes}, "coordinates": obj{"type": "array"}},
			},
			"properties": obj{"type": "object", "properties": props, "additionalProperties": false},
			"links":      obj{"type": "array"},
		},
	}
}

// queryablesSchema is the queryables document of cs (OGC API Features
// Part 3, /req/queryables/get-queryables-response): the geometry and the
// fields marked Queryable.
func queryablesSchema(cs geo.CollectionSchema, id string) obj {
	format := "geometry-any"
	if len(cs.GeometryTypes) == 1 {
		format = "geometry-" + strings.ToLower(cs.GeometryTypes[0])
	}
	props := orderedObj{{"geometry", obj{"title": "几何 / Geometry", "x-ogc-role": "primary-geometry", "format": format}}}
	for _, f := range cs.Fields {
		if f.Queryable {
			props = append(props, member{f.Name, fieldSchema(f)})
		}
	}
	return obj{
		"$schema":              jsonSchemaDialect,
		"$id":                  id,
		"title":                "Queryables of " + cs.ID + " / " + cs.TitleZH + "的可查询属性",
		"type":                 "object",
		"properties":           props,
		"additionalProperties": false,
	}
}

// sendSchema writes doc as ctype (application/schema+json, or
// application/json; docType negotiates).
func sendSchema(c *fiber.Ctx, ctype string, doc obj) error {
	body, err := marshalJSON(doc)
	if err != nil {
		return fmt.Errorf("api: encoding schema: %w", err)
	}
	c.Set(fiber.HeaderContentType, ctype)
	return c.Send(body)
}

// schemaOf returns the field table of the :coll path parameter after the
// usual query checks, or a 404.
func (s *server) schemaOf(c *fiber.Ctx) (geo.CollectionSchema, error) {
	q, err := queryValues(c)
	if err != nil {
		return geo.CollectionSchema{}, err
	}
	if err := onlyParams(q, "f"); err != nil {
		return geo.CollectionSchema{}, err
	}
	coll := c.Params("coll")
	if err := knownCollection(coll); err != nil {
		return geo.CollectionSchema{}, err
	}
	return geo.Schemas[coll], nil
}

func (s *server) schema(c *fiber.Ctx) error {
	cs, err := s.schemaOf(c)
	if err != nil {
		return err
	}
	ctype, err := docType(c, ContentTypeSchema)
	if err != nil {
		return err
	}
	if ctype == ContentTypeHTML {
		return s.fieldsHTML(c, cs, "schema", false)
	}
	return sendSchema(c, ctype, featureSchema(cs, base(c)+"/collections/"+url.PathEscape(cs.ID)+"/schema"))
}

func (s *server) queryables(c *fiber.Ctx) error {
	cs, err := s.schemaOf(c)
	if err != nil {
		return err
	}
	ctype, err := docType(c, ContentTypeSchema)
	if err != nil {
		return err
	}
	if ctype == ContentTypeHTML {
		return s.fieldsHTML(c, cs, "queryables", true)
	}
	return sendSchema(c, ctype, queryablesSchema(cs, base(c)+"/collections/"+url.PathEscape(cs.ID)+"/queryables"))
}

// orderedObj is a JSON object whose members keep their order: the field
// table's order is the column order GDAL and QGIS show.
type orderedObj []member

type member struct {
	name  string
	value any
}

// MarshalJSON writes the members in order.
func (o orderedObj) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, m := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := marshalJSON(m.name)
		if err != nil {
			return nil, err
		}
		v, err := marshalJSON(m.value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
