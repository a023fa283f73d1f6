package postgis

import (
	"bufio"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"

	"layoutmap/geo"
)

// The enterprise COPY in PostgreSQL's binary format, written here rather
// than through pgx's generic CopyFrom: a million rows of 20 columns went
// through reflection-driven encoding per value, and the point was built by
// the server (a generated column calling ST_MakePoint per row). Here each
// value is appended as the server reads it: text as bytes, numbers big
// endian, text[] in the array format, the point as EWKB (SRID 4326), which
// geometry's binary input reads without parsing text. lon, lat and point
// come from the same e.Point in copyEnterprise, so they cannot disagree.
// COPY ... FREEZE writes the rows already frozen: the slot was TRUNCATEd in
// this transaction, and the first readers after the import do not have to
// rewrite every page to set hint bits.

// enterpriseCols are the columns of an enterprise COPY, in the order
// copyEnterprise writes them.
var enterpriseCols = []string{"id", "credit_code", "name", "name_en", "lon", "lat", "point", "qk", "location_quality", "chains", "clusters",
	"clusters_derived", "classes", "city_code", "county_code", "zone_id", "zone_link", "zone_geom_quality", "source", "year"}

const oidText = 25

// copyEnterprises COPYs es into table (TRUNCATEd in tx) in binary, in the
// given order: quadkey order (mortonOrder), so that the firms of a tile or
// of a small box lie on a few heap pages rather than one page each (a
// bbox + chain page read ~2,200 pages for 2,236 rows in id order).
func copyEnterprises(ctx context.Context, tx pgx.Tx, table string, es []geo.Enterprise, order []int32) error {
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<18)
		var b copyBuf
		w.WriteString("PGCOPY\n\xff\r\n\x00")
		w.Write(make([]byte, 8)) // flags, header extension length
		for _, i := range order {
			b = copyEnterprise(b[:0], &es[i])
			if _, err := w.Write(b); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		w.Write([]byte{0xff, 0xff}) // trailer
		pw.CloseWithError(w.Flush())
	}()
	sql := fmt.Sprintf(`COPY %s.%s (%s) FROM STDIN (FORMAT binary, FREEZE)`, Schema, table, strings.Join(enterpriseCols, ", "))
	_, err := tx.Conn().PgConn().CopyFrom(ctx, pr, sql)
	pr.CloseWithError(io.ErrClosedPipe) // stops the writer if the server failed first
	return err
}

type copyBuf []byte

func (b copyBuf) null() copyBuf { return binary.BigEndian.AppendUint32(b, math.MaxUint32) }

func (b copyBuf) text(s string) copyBuf {
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// textOrNull writes "" as NULL (the optional codes and links).
func (b copyBuf) textOrNull(s string) copyBuf {
	if s == "" {
		return b.null()
	}
	return b.text(s)
}

func (b copyBuf) float8(v float64) copyBuf {
	b = binary.BigEndian.AppendUint32(b, 8)
	return binary.BigEndian.AppendUint64(b, math.Float64bits(v))
}

func (b copyBuf) int8(v int64) copyBuf {
	b = binary.BigEndian.AppendUint32(b, 8)
	return binary.BigEndian.AppendUint64(b, uint64(v))
}

// textArray writes a one-dimensional text[] (empty: no dimensions).
func (b copyBuf) textArray(ss []string) copyBuf {
	size := 12
	if len(ss) > 0 {
		size += 8
	}
	for _, s := range ss {
		size += 4 + len(s)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(size))
	ndim := uint32(0)
	if len(ss) > 0 {
		ndim = 1
	}
	b = binary.BigEndian.AppendUint32(b, ndim)
	b = binary.BigEndian.AppendUint32(b, 0) // no NULL elements
	b = binary.BigEndian.AppendUint32(b, oidText)
	if len(ss) > 0 {
		b = binary.BigEndian.AppendUint32(b, uint32(len(ss)))
		b = binary.BigEndian.AppendUint32(b, 1) // lower bound
	}
	for _, s := range ss {
		b = b.text(s)
	}
	return b
}

// point writes p as EWKB: little-endian Point with SRID 4326.
func (b copyBuf) point(p [2]float64) copyBuf {
	b = binary.BigEndian.AppendUint32(b, 25)
	b = append(b, 1)
	b = binary.LittleEndian.AppendUint32(b, 1|0x20000000)
	b = binary.LittleEndian.AppendUint32(b, 4326)
	b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p[0]))
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(p[1]))
}

// copyEnterprise appends the COPY tuple of e (columns enterpriseCols).
func copyEnterprise(b copyBuf, e *geo.Enterprise) copyBuf {
	b = binary.BigEndian.AppendUint16(b, uint16(len(enterpriseCols)))
	b = b.text(e.ID).textOrNull(e.CreditCode).text(e.Name).text(e.NameEN)
	b = b.float8(e.Point[0]).float8(e.Point[1]).point(e.Point).int8(int64(geo.MortonKey(e.Point)))
	b = b.text(e.LocationQuality).textArray(e.Chains).textArray(e.Clusters)
	b = binary.BigEndian.AppendUint32(b, 1)
	if e.ClustersDerived {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	b = b.textArray(e.Classes.IDs()).text(e.CityCode).textOrNull(e.CountyCode)
	b = b.textOrNull(e.ZoneID).textOrNull(e.ZoneLink).textOrNull(e.ZoneGeomQuality).text(e.Source)
	if e.Year == 0 {
		return b.null()
	}
	b = binary.BigEndian.AppendUint32(b, 4)
	return binary.BigEndian.AppendUint32(b, uint32(int32(e.Year)))
}
