package api

import (
	"fmt"
	"net"

	"github.com/gofiber/fiber/v2"

	"layoutmap/api/apidoc"
	"layoutmap/geo"
)

// StreamItemsBytes is the geometry JSON of an items page from which the
// GeoJSON response is streamed (streamItems) instead of built in memory.
const StreamItemsBytes = 256 << 10

// streamedPage reports whether a page carries enough stored geometry JSON
// to be streamed, to a client that takes it uncompressed. A client that
// accepts br, gzip or deflate gets the body built in memory and compressed
// in one piece (the compress middleware would flush the compressor after
// every piece of a stream): there the compression, not the copying, bounds
// the response.
func streamedPage(c *fiber.Ctx, fs []geo.Feature) bool {
	h := &c.Context().Request.Header
	if h.HasAcceptEncoding("br") || h.HasAcceptEncoding("gzip") || h.HasAcceptEncoding("deflate") {
		return false
	}
	return streamable(fs)
}

// streamable reports whether fs carry at least StreamItemsBytes of stored
// geometry JSON.
func streamable(fs []geo.Feature) bool {
	n := 0
	for i := range fs {
		n += len(fs[i].GeometryJSON)
	}
	return n >= StreamItemsBytes
}

// streamItems sends a GeoJSON items page as a body stream of pieces
// (apidoc.FeatureCollectionPieces): the geometry the store encoded once per
// dataset version is written from its own slices, never copied, so a
// 4.6 MB page of county outlines costs what the network costs. The length
// is known (Content-Length, no chunking). Everything that can fail is
// encoded before the first byte, so an error is still a problem+json
// status. The ETag is weak, like jsonETag's, over the same bytes (xxhash
// instead of FNV: 4.6 MB in well under a millisecond); a matching
// If-None-Match is a 304. The stream holds the page's features (shared
// with the store) and their small encoded parts, not a copy of the body;
// a large one still holds its slot of the large-response gate until it
// is written (largeSlot), so slow readers stay bounded.
func (s *server) streamItems(c *fiber.Ctx, ctype string, fc featureCollection, fs []geo.Feature) error {
	pieces, err := apidoc.FeatureCollectionPieces(fc, fs)
	if err != nil {
		return fmt.Errorf("api: encoding items: %w", err)
	}
	size := 0
	for _, p := range pieces {
		size += len(p)
	}
	tag := bodyETag(pieces...)
	c.Set(fiber.HeaderETag, tag)
	if m := c.Method(); (m == fiber.MethodGet || m == fiber.MethodHead) && etagMatches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		c.Status(fiber.StatusNotModified)
		return nil
	}
	c.Set(fiber.HeaderContentType, ctype)
	body := &slotReader{Buffers: (*net.Buffers)(&pieces)}
	if slot, ok := c.Locals(largeSlotKey{}).(*largeSlot); ok {
		slot.claimed, body.slot = true, slot
	}
	c.Response().SetBodyStream(body, size)
	return nil
}

// slotReader is a body stream of pieces that frees its large-response
// slot (if any) when fasthttp closes it.
type slotReader struct {
	*net.Buffers
	slot *largeSlot
}

func (r *slotReader) Close() error {
	if r.slot != nil {
		r.slot.done()
		r.slot = nil
	}
	return nil
}
